"""CSV files made for Excel: UTF-8 with a byte-order mark, CRLF, formulas defused.

Excel reads a CSV without the BOM as GBK and shows mojibake. Cells that start
like a formula (``=``, ``+``, ``-``, ``@``) get a leading apostrophe, so a request
text such as ``=HYPERLINK(…)`` stays text instead of running in the admin's Excel.

Privacy: phone numbers and addresses (requesters' and volunteers') are only
exported for super-admins; other admins get the same table without those
columns (``PRIVATE_COLUMNS``), never a refusal: they still need the figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Columns only super-admins get.
PRIVATE_COLUMNS = frozenset(
    {"contact_name", "contact_phone", "address", "latitude", "longitude", "phone"}
)


def cell(value: Any) -> str | int | float:
    """A spreadsheet-safe cell: numbers as they are, text defused if it looks like a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return (BOM + out.getvalue()).encode("utf-8")
