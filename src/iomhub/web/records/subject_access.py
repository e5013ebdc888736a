"""The right of access (DPA 2018 s.45): everything held about one person, and to whom it was
disclosed, as a PDF and as a ZIP of CSV files, itself recorded as a disclosure.

What is held: the person's details and every record of every table that names them (read from
the model's relations, so a new table is included without changing this module), case notes of
every visibility among them. Disclosures: every ``disclosure`` row of the audit log naming them,
and every export of the whole database made while they were held (an export's row names no one
person, but carried them). Consultations: by whom (agency and role), how often, first and last:
the recipients inside the partnership. The administrator decides what to withhold under s.45(4)
before sending; nothing here withholds anything.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NoReturn

from django.db import models
from django.db.models import Count, Max, Min
from django.template.loader import render_to_string
from django.utils import timezone

from iomhub.package.formulas import quote
from iomhub.web.audit.constants import Operation
from iomhub.web.audit.context import Actor, audited
from iomhub.web.audit.models import AuditEvent
from iomhub.web.people.models import Nominal

FORMATS = {"pdf": "application/pdf", "zip": "application/zip"}


@dataclass
class Table:
    title: str
    name: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Bundle:
    nominal_id: str
    name: str
    made_at: datetime
    held: list[Table]
    disclosures: Table
    consultations: Table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, models.Model):
        return str(getattr(value, "username", None) or value)
    return str(value)


def _table(model: Any, rows: Any, title: str) -> Table:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = Table(title, model._meta.db_table, [f.verbose_name for f in fields])
    for row in rows:
        table.rows.append([_text(getattr(row, f.name)) for f in fields])
    return table


def gather(nominal: Nominal) -> Bundle:
    held = [_table(Nominal, [nominal], "Personal details")]
    for relation in Nominal._meta.related_objects:
        model: Any = relation.related_model
        rows = list(model.objects.filter(**{relation.field.name: nominal}).order_by("pk"))
        if rows:
            held.append(_table(model, rows, str(model._meta.verbose_name_plural).capitalize()))
    first = AuditEvent.objects.filter(nominal_id=nominal.nominal_id).aggregate(at=Min("at"))["at"]
    named = AuditEvent.objects.filter(nominal_id=nominal.nominal_id, operation=Operation.DISCLOSURE)
    exports = AuditEvent.objects.filter(operation=Operation.DISCLOSURE, object_type="data package",
                                        at__gte=first) if first else AuditEvent.objects.none()
    disclosures = Table("Disclosures", "disclosures", ["When", "By", "Agency", "What", "Recipient", "Why"])
    for event in (named | exports).order_by("at", "id"):
        what = "the whole database (an export)" if event.object_type == "data package" else (
            f"{event.object_type} {event.object_id}".strip())
        disclosures.rows.append([_text(event.at), event.username, event.agency, what, event.recipient,
                                 event.justification])
    consultations = Table("Who read the record", "consultations",
                          ["Agency", "Role", "Times", "First", "Last"])
    for row in (AuditEvent.objects.filter(nominal_id=nominal.nominal_id, operation=Operation.CONSULTATION)
                .values("agency", "role").annotate(times=Count("id"), first=Min("at"), last=Max("at"))
                .order_by("agency", "role")):
        consultations.rows.append([row["agency"], row["role"], str(row["times"]), _text(row["first"]),
                                   _text(row["last"])])
    name = " ".join(part for part in (nominal.given_names, nominal.family_name) if part)
    return Bundle(nominal.nominal_id, name, timezone.now(), held, disclosures, consultations)


def _csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows([[quote(cell) for cell in row] for row in table.rows])
    return out.getvalue().encode("utf-8-sig")  # with a BOM, so that Excel reads it as UTF-8


README = """Subject access: everything iomhub holds about {nominal_id}, made {made_at}.

One CSV file per kind of record (every column the database holds), disclosures.csv (to whom the
record was disclosed: downloads naming this person and exports of the whole database made while
it was held) and consultations.csv (who in the partnership read it, by agency and role). A text
starting with = + - @ is written after an apostrophe, so that a spreadsheet shows it as text.
"""


def as_zip(bundle: Bundle) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README.format(nominal_id=bundle.nominal_id, made_at=_text(bundle.made_at)))
        for table in [*bundle.held, bundle.disclosures, bundle.consultations]:
            archive.writestr(f"{table.name}.csv", _csv(table))
    return out.getvalue()


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"a subject access document loads no external resource (refused {url[:80]!r})")


def as_pdf(bundle: Bundle) -> bytes:
    from weasyprint import HTML  # type: ignore[import-untyped]

    page = render_to_string("records/subject_access_document.html", {"bundle": bundle})
    pdf: bytes = HTML(string=page, url_fetcher=_refuse, media_type="print").write_pdf()
    return pdf


def disclose(actor: Actor, nominal: Nominal, fmt: str, justification: str, recipient: str) -> tuple[str, bytes]:
    """The subject access file (``fmt`` pdf or zip) and its name, built first and then recorded as
    one disclosure to ``recipient`` (the person, or whoever acts for them) with ``justification``
    (the request's reference)."""
    if fmt not in FORMATS:
        raise ValueError(f"no subject access format {fmt!r}")
    bundle = gather(nominal)
    body = as_pdf(bundle) if fmt == "pdf" else as_zip(bundle)
    with audited(actor, justification=justification, recipient=recipient) as audit:
        audit.record(Operation.DISCLOSURE, object_type="subject access", object_id=f"{nominal.nominal_id}.{fmt}"[:100],
                     nominal_id=nominal.nominal_id,
                     detail={"format": fmt, "tables": {t.name: len(t.rows) for t in bundle.held},
                             "disclosures": len(bundle.disclosures.rows)})
    return f"subject-access-{nominal.nominal_id}-{bundle.made_at:%Y%m%d}.{fmt}", body
