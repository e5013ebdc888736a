"""The upload form, the mapping page's form (built from the files it maps) and the import form."""

from __future__ import annotations

from typing import Any

from django import forms

from iomhub.package.dates import EXCEL, DateFormats
from iomhub.package.mapping import FileSource, Mapping
from iomhub.package.schema import TABLES
from iomhub.package.sources import normalise_header
from iomhub.web.ingest.models import SavedMapping
from iomhub.web.ingest.workspace import LABEL, CodeColumn, FileInfo, date_choices

ENCODINGS = [("", "Found by iomhub"), ("utf-8", "UTF-8"), ("cp1252", "Windows-1252 (Excel's CSV)"),
             ("utf-16", "UTF-16 (Excel's Unicode text)")]
DELIMITERS = [("", "Found by iomhub"), (",", "Comma"), (";", "Semicolon"), ("\t", "Tab"), ("|", "Vertical bar")]
SPELLING_LENGTH = 500


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    extracts = MultipleFileField(label="The extracts", help_text=(
        "A zip of CSV files, an Excel workbook (one sheet per table), or several CSV files chosen together. "
        "Their names, headers and codes may be your systems' own."))
    source = forms.ModelChoiceField(
        queryset=SavedMapping.objects.none(), required=False, label="Mapping",
        empty_label="Build the mapping on the next page",
        help_text="A mapping saved for this source of extracts, or none: iomhub suggests one from the files.")

    def __init__(self, *args: Any, agency_id: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = SavedMapping.objects.filter(agency_id=agency_id)


class MappingForm(forms.Form):
    """Which table each file holds, which header each column is, which code each spelling is,
    and the date forms: everything package.toml's mapping says, as selects.

    The column selects are those of the table each file held when the page was drawn (a file
    given to another table gets that table's columns on the next drawing)."""

    name = forms.CharField(max_length=100, required=False, label="Save this mapping as",
                           help_text='A name for this source of extracts, e.g. "Police Niche monthly". '
                                     "Saving under a name already used adds a new version.")
    dates = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple,
                                      label="Date forms used in the files, beyond 2015-04-01 and 01/04/2015")

    def __init__(self, data: Any = None, *, files: list[FileInfo], mapping: Mapping, codes: list[CodeColumn],
                 workbook: bool) -> None:
        super().__init__(data)
        self.info = files
        self.codes = codes
        self.drawn: dict[int, str] = {}  # file index -> the table whose column selects were drawn
        by_file = {source.file.strip().lower(): table for table, source in mapping.files.items()}
        table_choices = [("", "Not imported"), *[(t, t) for t in TABLES]]
        self.file_rows: list[dict[str, Any]] = []
        for i, info in enumerate(files):
            table = by_file.get(info.name.strip().lower(), info.named_for if info.named_for not in mapping.files
                                else None) or ""
            source = mapping.files.get(table) if table else None
            self.fields[f"table-{i}"] = forms.ChoiceField(choices=table_choices, required=False, initial=table,
                                                          label=f"Table held by {info.name}")
            row: dict[str, Any] = {"info": info, "table": self[f"table-{i}"], "columns": []}
            if not workbook:
                self.fields[f"encoding-{i}"] = forms.ChoiceField(
                    choices=ENCODINGS, required=False, label="Encoding",
                    initial=(source.encoding if source and source.encoding else info.encoding) or "")
                self.fields[f"delimiter-{i}"] = forms.ChoiceField(
                    choices=DELIMITERS, required=False, label="Separator",
                    initial=source.delimiter if source and source.delimiter else "")
                row["encoding"], row["delimiter"] = self[f"encoding-{i}"], self[f"delimiter-{i}"]
            if table and info.headers:
                self.drawn[i] = table
                mapped = mapping.columns.get(table, {})
                header_choices = [("", "Not in the file"), *[(h, h) for h in info.headers]]
                by_name = {normalise_header(h): h for h in info.headers}
                for column in TABLES[table].columns:
                    chosen = mapped.get(column.name)
                    initial = (by_name.get(normalise_header(chosen), chosen) if chosen
                               else by_name.get(column.name, ""))
                    key = f"column-{i}-{column.name}"
                    self.fields[key] = forms.ChoiceField(
                        choices=header_choices, required=False, initial=initial,
                        label=f"{column.name}{'' if column.required else ' (optional)'}")
                    row["columns"].append(self[key])
            self.file_rows.append(row)
        self.code_rows: list[dict[str, Any]] = []
        for c, code_column in enumerate(codes):
            choices = [("", "Not mapped"), *[(code, code) for code in code_column.allowed]]
            rows = []
            for j, spelling in enumerate(code_column.spellings):
                if spelling.how == "canonical":
                    continue
                key = f"code-{c}-{j}"
                self.fields[key] = forms.ChoiceField(
                    choices=choices, required=False, initial=spelling.code or "",
                    label=f"{spelling.spelling} ({spelling.rows:,} row{'s' if spelling.rows != 1 else ''})",
                    help_text=f"Guessed from {spelling.how}: check it" if spelling.code and spelling.how not in (
                        "mapped", "canonical") else "")
                self.fields[f"spelling-{c}-{j}"] = forms.CharField(
                    max_length=SPELLING_LENGTH, required=False, widget=forms.HiddenInput, initial=spelling.spelling)
                rows.append(self[key])
            canonical = [s for s in code_column.spellings if s.how == "canonical"]
            self.code_rows.append({"column": code_column, "fields": rows, "canonical": canonical})
        date_field = self.fields["dates"]
        assert isinstance(date_field, forms.MultipleChoiceField)
        date_field.choices = date_choices()
        date_field.initial = [*mapping.dates.patterns, *([EXCEL] if mapping.dates.excel else [])]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given: dict[str, str] = {}
        for i, info in enumerate(self.info):
            table = data.get(f"table-{i}")
            if not table:
                continue
            if table in given:
                self.add_error(f"table-{i}", f"{info.name} and {given[table]} are both given to the {table} table: "
                                             "a table is read from one file")
            given[table] = info.name
        return data

    def mapping(self) -> Mapping:
        """The mapping the page says, as written (a header mapped twice stays twice, for the
        mapping's own check to name it)."""
        data = self.cleaned_data
        files: dict[str, FileSource] = {}
        columns: dict[str, dict[str, str]] = {}
        for i, info in enumerate(self.info):
            table = data.get(f"table-{i}")
            if not table:
                continue
            files[table] = FileSource(info.name, data.get(f"encoding-{i}") or None, data.get(f"delimiter-{i}") or None)
            if self.drawn.get(i) == table:
                chosen = {column.name: data.get(f"column-{i}-{column.name}") for column in TABLES[table].columns}
                columns[table] = {column: header for column, header in chosen.items() if header}
            else:  # given to another table on this page: its headers as the suggestion matches them
                columns[table] = info.columns_for(table)
        codes: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {}
        for c, code_column in enumerate(self.codes):
            if code_column.table not in files:
                continue
            by_code: dict[str, list[str]] = {}
            for j in range(len(code_column.spellings)):
                code, spelling = data.get(f"code-{c}-{j}"), (data.get(f"spelling-{c}-{j}") or "").strip()
                if code and spelling:
                    by_code.setdefault(code, []).append(spelling)
            if by_code:
                codes.setdefault(code_column.table, {})[code_column.column] = {
                    code: tuple(spellings) for code, spellings in by_code.items()}
        formats = data.get("dates") or []
        dates = DateFormats(tuple(f for f in formats if f != EXCEL), EXCEL in formats)
        return Mapping(files, {t: c for t, c in columns.items() if c}, codes, dates, label=LABEL)


class ImportForm(forms.Form):
    """For each table that may be replaced whole: only additions and changes, or a full snapshot."""

    ADDITIONS = "additions"
    SNAPSHOT = "snapshot"

    def __init__(self, data: Any = None, *, tables: list[str]) -> None:
        super().__init__(data)
        for table in tables:
            self.fields[f"mode-{table}"] = forms.ChoiceField(
                label=table, widget=forms.RadioSelect, initial=self.ADDITIONS, choices=[
                    (self.ADDITIONS, "Additions and changes only: rows absent from this extract are kept"),
                    (self.SNAPSHOT, "The whole table: rows absent from this extract are removed (audited)")])

    def snapshot(self) -> list[str]:
        return [name.removeprefix("mode-") for name, value in self.cleaned_data.items()
                if name.startswith("mode-") and value == self.SNAPSHOT]
