"""The ``jiangxin`` command line: run the bot, migrate, and manage the catalog."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        print(f"配置错误 / configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_run(args: argparse.Namespace) -> int:
    from jiangxin.app import serve, setup_logging

    settings = _settings()
    setup_logging(settings.log_level)
    try:
        return asyncio.run(serve(settings))
    except KeyboardInterrupt:
        return 0


def cmd_db(args: argparse.Namespace) -> int:
    from store import migrate
    from store.engine import Database

    settings = _settings()

    async def go() -> int:
        db = Database(settings.database_url)
        try:
            if args.action == "upgrade":
                await migrate.upgrade(db)
                print(f"database is at revision {await migrate.current_revision(db)}")
            else:
                current = await migrate.current_revision(db)
                print(f"current: {current}  head: {migrate.head_revision()}")
        finally:
            await db.dispose()
        return 0

    return asyncio.run(go())


def cmd_catalog(args: argparse.Namespace) -> int:
    from bot import catalog
    from store import migrate
    from store.engine import Database

    settings = _settings()
    raw = ""
    if args.action == "import":
        try:
            raw = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
        except OSError as exc:
            print(f"cannot read {args.file}: {exc.strerror}", file=sys.stderr)
            return 1

    async def go() -> int:
        db = Database(settings.database_url)
        try:
            await migrate.upgrade(db)
            await catalog.seed_if_empty(db)
            if args.action == "export":
                text = await catalog.export_catalog(db)
                if args.file == "-":
                    sys.stdout.write(text)
                else:
                    await asyncio.to_thread(Path(args.file).write_text, text, encoding="utf-8")
                    print(f"exported the catalog to {args.file}")
                return 0
            try:
                result = await catalog.import_catalog(db, raw)
            except catalog.CatalogError as exc:
                print(
                    f"导入失败，未做任何修改 / import refused, nothing written: {exc}",
                    file=sys.stderr,
                )
                return 1
            print(f"imported: {result['added']} added, {result['updated']} updated")
            return 0
        finally:
            await db.dispose()

    return asyncio.run(go())


def cmd_wechat(args: argparse.Namespace) -> int:
    from jiangxin.app import wechat_command

    settings = _settings()
    if args.action == "qrcode" and not args.scene:
        print("usage: jiangxin wechat qrcode team-<slug>|station-<code>", file=sys.stderr)
        return 2
    return asyncio.run(wechat_command(settings, args.action, args.scene))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jiangxin", description="匠心点单 Jiangxin — the volunteer-service order bot."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("run", help="run the bot (migrates the database first)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("db", help="database schema: upgrade or show the revision")
    p.add_argument("action", choices=["upgrade", "current"])
    p.set_defaults(func=cmd_db)

    p = sub.add_parser("catalog", help="export or import the service catalog (teams)")
    p.add_argument("action", choices=["export", "import"])
    p.add_argument("file", help="JSON file, or - for stdout/stdin")
    p.set_defaults(func=cmd_catalog)

    p = sub.add_parser("wechat", help="WeChat Official Account: publish the menu, make QR codes")
    p.add_argument("action", choices=["menu", "qrcode"])
    p.add_argument("scene", nargs="?", help="for qrcode: team-<slug> or station-<code>")
    p.set_defaults(func=cmd_wechat)

    from bot.routing.cli import add_subparser

    add_subparser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
