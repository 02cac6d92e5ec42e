"""Campaign files (issue 20): the report workbook, and the published cases as a workbook
and a printable PDF booklet (优秀案例集).

The booklet is drawn with matplotlib's PDF backend (already used for charts), A4 pages,
one case a page after a title page, in the CJK font ``bot.reports.fonts`` finds; the
library is imported only when a booklet is made.
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime

from bot.campaign_review import Figures, Report
from bot.deps import Deps
from bot.reports.fonts import require_cjk_font
from bot.reports.xlsx import workbook
from bot.texts import t
from store.models import Campaign, CampaignCase

A4 = (8.27, 11.69)  # inches
LINE_WIDTH = 76  # display columns per line (a CJK character is two)


def _row(f: Figures) -> list[object]:
    return [f.label, f.collected, f.matched, f.served, f.rated, f.cases]


def report_xlsx(deps: Deps, campaign: Campaign, report: Report, lang: str | None) -> bytes:
    header = [
        t(lang, "campaigns.xlsx.group"),
        t(lang, "campaigns.xlsx.collected"),
        t(lang, "campaigns.xlsx.matched"),
        t(lang, "campaigns.xlsx.served"),
        t(lang, "campaigns.xlsx.rated"),
        t(lang, "campaigns.xlsx.cases"),
    ]
    data = [_row(f) for f in report.by_team] + [_row(f) for f in report.by_station]
    summary: list[list[object] | str] = [
        campaign.name,
        header,  # type: ignore[list-item]
        _row(report.total),
        [t(lang, "campaigns.xlsx.activities"), report.activities],
    ]
    return workbook(
        sheet_name=t(lang, "campaigns.xlsx.sheet"),
        header=header,
        rows=data,
        summary_name=t(lang, "campaigns.xlsx.summary"),
        summary=summary,  # type: ignore[arg-type]
        tz=deps.settings.tz,
    )


def _published(case: CampaignCase) -> datetime | None:
    return case.published_at


def cases_xlsx(
    deps: Deps, cases: list[CampaignCase], names: dict[int, str], lang: str | None
) -> bytes:
    header = [
        t(lang, "campaigns.xlsx.case_id"),
        t(lang, "campaigns.xlsx.campaign"),
        t(lang, "campaigns.xlsx.title"),
        t(lang, "campaigns.xlsx.problem"),
        t(lang, "campaigns.xlsx.action"),
        t(lang, "campaigns.xlsx.result"),
        t(lang, "campaigns.xlsx.volunteers"),
        t(lang, "campaigns.xlsx.photos"),
        t(lang, "campaigns.xlsx.published"),
    ]
    rows = [
        [
            c.id,
            names.get(c.campaign_id, ""),
            c.title,
            c.problem,
            c.action,
            c.result,
            c.volunteers,
            len(c.photos or []),
            _published(c),
        ]
        for c in cases
    ]
    return workbook(
        sheet_name=t(lang, "campaigns.xlsx.cases_sheet"),
        header=header,
        rows=rows,
        summary_name=t(lang, "campaigns.xlsx.summary"),
        summary=[[t(lang, "campaigns.xlsx.cases"), len(cases)]],
        tz=deps.settings.tz,
    )


def wrap(text: str, width: int = LINE_WIDTH) -> list[str]:
    """Lines of at most ``width`` display columns (CJK counts two); keeps the line breaks."""
    out: list[str] = []
    for para in (text or "").splitlines() or [""]:
        line, used = "", 0
        for ch in para:
            w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if used + w > width:
                out.append(line)
                line, used = "", 0
            line += ch
            used += w
        out.append(line)
    return out


def cases_pdf(
    cases: list[CampaignCase], names: dict[int, str], title: str, lang: str | None
) -> bytes:
    """The booklet: a title page listing the cases, then one page per case."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    path = require_cjk_font()
    font_manager.fontManager.addfont(path)
    plt.rcParams["font.family"] = [font_manager.FontProperties(fname=path).get_name()]
    plt.rcParams["pdf.fonttype"] = 42  # TrueType in the file, so the text can be copied
    out = io.BytesIO()
    with PdfPages(out) as pdf:
        contents = [f"{i}. {c.title}" for i, c in enumerate(cases, 1)]
        _page(pdf, plt, title, [t(lang, "campaigns.pdf.count", n=len(cases)), "", *contents])
        for i, case in enumerate(cases, 1):
            lines = [t(lang, "campaigns.pdf.campaign", name=names.get(case.campaign_id, ""))]
            for key, value in (
                ("campaigns.pdf.problem", case.problem),
                ("campaigns.pdf.action", case.action),
                ("campaigns.pdf.result", case.result),
                ("campaigns.pdf.volunteers", case.volunteers),
            ):
                lines += ["", t(lang, key), *wrap(value)]
            if case.photos:
                lines += ["", t(lang, "campaigns.pdf.photos", n=len(case.photos))]
            _page(pdf, plt, f"{i}. {case.title}", lines)
    return out.getvalue()


def _page(pdf, plt, heading: str, lines: list[str]) -> None:  # type: ignore[no-untyped-def]
    fig = plt.figure(figsize=A4)
    fig.text(0.08, 0.94, heading, fontsize=17, va="top")
    y = 0.89
    for line in lines[:60]:  # one page; a longer write-up is cut at the foot of the page
        fig.text(0.08, y, line, fontsize=10.5, va="top")
        y -= 0.0135
    pdf.savefig(fig)
    plt.close(fig)
