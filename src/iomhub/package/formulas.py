"""Text cells that a spreadsheet would run as a formula, written safely and read back as they were.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by Excel,
LibreOffice and Google Sheets for a formula when a CSV is opened (``=HYPERLINK(...)`` exfiltrates,
``=1+1`` computes): OWASP's "CSV injection". Such a cell is written with a leading apostrophe,
which spreadsheets show as the text itself. So that this can be undone exactly, a cell that
already begins with apostrophes followed by one of those characters gets one more too.

Reading a package takes one leading apostrophe off a cell of that shape (and only of that
shape): what iomhub wrote comes back as it was, and a cell a spreadsheet user protected by
hand is read as they meant it.
"""

from __future__ import annotations

import polars as pl

TRIGGERS = "=+-@\t\r"
_CLASS = "[=+\\-@\\t\\r]"
NEEDS_QUOTE = f"^'*{_CLASS}"  # a formula, or text that reads back as one once unquoted
QUOTED = f"^''*{_CLASS}"  # what quote() wrote


def needs_quote(text: str) -> bool:
    return text.lstrip("'")[:1] in tuple(TRIGGERS)


def quote(text: str) -> str:
    """``=1+1`` → ``'=1+1``; ``'=1+1`` → ``''=1+1``; other text unchanged."""
    return f"'{text}" if needs_quote(text) else text


def unquote(text: str) -> str:
    return text[1:] if text.startswith("'") and needs_quote(text[1:]) else text


def quoted(column: str) -> pl.Expr:
    """The column with every cell passed through :func:`quote` (nulls stay null)."""
    cell = pl.col(column)
    return pl.when(cell.str.contains(NEEDS_QUOTE)).then(pl.lit("'") + cell).otherwise(cell).alias(column)


def unquoted(cell: pl.Expr) -> pl.Expr:
    """The cells passed through :func:`unquote`."""
    return pl.when(cell.str.contains(QUOTED)).then(cell.str.slice(1)).otherwise(cell)
