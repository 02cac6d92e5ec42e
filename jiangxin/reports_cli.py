"""``jiangxin export <kind> [period] [--format xlsx|csv] [--station CODE] [-o FILE]``:
the same files /export sends, from the command line (with phones and addresses:
whoever runs the server is trusted with the whole database)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from bot.config import Settings
from bot.reports import tables
from bot.reports.periods import Period


def add_subparser(
    subparsers: argparse._SubParsersAction, settings: Callable[[], Settings]
) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "export",
        help="export orders, volunteers, feedback, activities or hours as XLSX or CSV",
        description="Write the same report file /export sends (default: this month, XLSX).",
    )
    parser.add_argument("kind", choices=list(tables.KINDS))
    parser.add_argument("period", nargs="?", help="YYYY-MM, YYYY-Qn or YYYY (default: this month)")
    parser.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    parser.add_argument("--station", metavar="CODE", help="limit to this station and below")
    parser.add_argument("--lang", choices=["zh", "en"], default=None)
    parser.add_argument("-o", "--output", metavar="FILE", help="file to write ('-' = stdout)")
    parser.set_defaults(func=lambda args: run(args, settings()))
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    period = Period.parse(args.period) if args.period else None
    if args.period and period is None:
        print(f"not a period: {args.period!r} (YYYY-MM, YYYY-Qn or YYYY)", file=sys.stderr)
        return 2
    return asyncio.run(_go(settings, args, period))


async def _go(settings, args: argparse.Namespace, period: Period | None) -> int:  # type: ignore[no-untyped-def]
    from bot import roles
    from bot.clock import Clock
    from bot.reports.service import export_file
    from store import migrate
    from store.engine import Database
    from store.stations import station_by_code

    db = Database(settings.database_url)
    try:
        await migrate.upgrade(db)
        period = period or Period.month_of(Clock().now(), settings.tz)
        async with db.session() as session:
            root = within = None
            if args.station:
                root = await station_by_code(session, code=args.station)
                if root is None:
                    print(f"no station with code {args.station!r}", file=sys.stderr)
                    return 1
                within = await roles.subtree_ids(session, root.id)  # type: ignore[arg-type]
            made = await export_file(
                session,
                kind=args.kind,
                period=period,
                tz=settings.tz,
                lang=args.lang or settings.language,
                within=within,
                root=root,
                private=True,
                fmt=args.format,
            )
    finally:
        await db.dispose()
    if args.output == "-":
        sys.stdout.buffer.write(made.content)
        return 0
    target = Path(args.output or made.filename)
    await asyncio.to_thread(target.write_bytes, made.content)
    print(f"wrote {made.rows} rows to {target}")
    return 0
