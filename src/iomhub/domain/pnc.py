"""The Police National Computer id: ``YYYY/NNNNNNNL``, its last letter a check on the rest.

The check character is the remainder, divided by 23, of the number made of the year's last two
digits followed by the serial number written with seven digits, read in the alphabet
``ZABCDEFGHJKLMNPQRTUVWXY`` (no I, O or S): 2009/0123456 gives ``90123456 % 23`` = 3, ``C``.
"""

from __future__ import annotations

CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def check_letter(year: int | str, serial: int | str) -> str:
    """The check letter of the PNC id of ``year`` (two or four digits) and ``serial``."""
    return CHECK_LETTERS[int(f"{int(year) % 100:02d}{int(serial):07d}") % 23]
