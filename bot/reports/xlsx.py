"""Excel workbooks (xlsxwriter): one data sheet plus a 汇总 (summary) sheet.

What makes a file office-ready: every text cell is written as a string (a
phone number stays ``13912345678``, never ``1.39E+10``; an order code stays
``JX-000012``), dates are real Excel dates in local time, the header row is
frozen and bold, and columns are as wide as their content. Text that looks
like a formula (``=``, ``+``, ``-``, ``@``) is stored with Excel's quote
prefix, so it shows as typed and never runs.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "yyyy-mm-dd hh:mm"
MAX_WIDTH = 60


def _width(value: Any) -> int:
    """Display width in Excel's character units: CJK characters count two."""
    if isinstance(value, datetime):
        return len(DATE_FORMAT)
    text = "" if value is None else str(value)
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


class _Sheet:
    """Writes rows with typed cells and tracks column widths."""

    def __init__(self, book: Any, name: str, tz: ZoneInfo) -> None:
        self.ws = book.add_worksheet(name)
        self.tz = tz
        self.widths: dict[int, int] = {}
        self.row = 0
        self.fmt_head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.fmt_date = book.add_format({"num_format": DATE_FORMAT})
        self.fmt_quoted = book.add_format({"quote_prefix": True})
        self.fmt_title = book.add_format({"bold": True, "font_size": 13})

    def write_row(self, values: Sequence[Any], *, head: bool = False) -> None:
        for c, v in enumerate(values):
            self._cell(c, v, head)
            self.widths[c] = max(self.widths.get(c, 0), _width(v))
        self.row += 1

    def title(self, text: str) -> None:
        self.ws.write_string(self.row, 0, text, self.fmt_title)
        self.row += 1

    def _cell(self, c: int, v: Any, head: bool) -> None:
        r, ws = self.row, self.ws
        if head:
            ws.write_string(r, c, str(v), self.fmt_head)
        elif v is None or v == "":
            ws.write_blank(r, c, None)
        elif isinstance(v, bool):
            ws.write_boolean(r, c, v)
        elif isinstance(v, (int, float)):
            ws.write_number(r, c, v)
        elif isinstance(v, datetime):
            local = v.astimezone(self.tz).replace(tzinfo=None)
            ws.write_datetime(r, c, local, self.fmt_date)
        else:
            text = str(v)
            fmt = self.fmt_quoted if text.startswith(FORMULA_START) else None
            ws.write_string(r, c, text, fmt)

    def finish(self, freeze: bool) -> None:
        for c, w in self.widths.items():
            self.ws.set_column(c, c, min(MAX_WIDTH, max(6, w + 2)))
        if freeze:
            self.ws.freeze_panes(1, 0)


def workbook(
    *,
    sheet_name: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    summary_name: str,
    summary: Sequence[Sequence[Any] | str],
    tz: ZoneInfo,
) -> bytes:
    """An .xlsx with the data sheet first and the summary sheet after it.

    ``summary`` lines are rows of cells; a plain string is a section title.
    """
    import xlsxwriter  # lazy: only admins exporting pay for it

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_numbers": False})
    data = _Sheet(book, sheet_name, tz)
    data.write_row(header, head=True)
    for row in rows:
        data.write_row(row)
    data.finish(freeze=True)
    data.ws.autofilter(0, 0, max(0, len(rows)), max(0, len(header) - 1))
    summ = _Sheet(book, summary_name, tz)
    for line in summary:
        if isinstance(line, str):
            summ.title(line)
        else:
            summ.write_row(line)
    summ.finish(freeze=False)
    book.close()
    return out.getvalue()
