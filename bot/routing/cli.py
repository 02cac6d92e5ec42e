"""The ``jiangxin route`` subcommand: route one text, a JSONL batch, or evaluate a corpus.

Output formats are contracts (scripts and the evaluation harness parse them):

* ``route "文本"`` — ``推荐：<name> (<slug>)  得分 <score>`` or ``未能确定服务队``,
  then the candidates and the matched keywords, in Chinese;
* ``route --jsonl FILE`` — one ``{"text", "team", "score", "candidates",
  "choices"}`` object per input line, same order (``FILE`` may be ``-`` for
  stdin); ``choices`` lists the slugs the bot would offer as buttons (empty
  when it routes directly or answers no team);
* ``route --eval FILE`` — accuracy figures and the most frequent confusions;
  with ``--learned FILE`` (a labelled JSONL of learned corrections, as
  exported by the bot) a second report with those examples in use.

``JIANGXIN_ROUTING_SEMANTIC=off`` runs the keyword stage alone.

Run standalone with ``python -m bot.routing.cli route ...``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from typing import TextIO

from bot.routing.catalog import load_default_teams, load_teams
from bot.routing.evaluate import evaluate, learned_by_team, read_examples
from bot.routing.router import Router
from bot.routing.scorer import RouteResult
from bot.routing.warmup import warm_up

CONFUSIONS_SHOWN = 10


def add_subparser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``route`` on a subparsers object; the parser's default ``func`` is :func:`run`."""
    parser = subparsers.add_parser(
        "route",
        help="route a request to a team, a JSONL batch, or evaluate a labelled corpus",
        description="Route a request to a service team (or evaluate routing on a corpus).",
    )
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("text", nargs="?", help="the request text to route")
    mode.add_argument("--jsonl", metavar="FILE", help="route each {'text': ...} line ('-' = stdin)")
    mode.add_argument("--eval", metavar="FILE", help="score a labelled corpus (text/team/also)")
    parser.add_argument("--catalog", metavar="FILE", help="catalog JSON (default: bot/data)")
    parser.add_argument(
        "--learned",
        metavar="FILE",
        help="with --eval: also report with these learned examples (labelled JSONL)",
    )
    parser.add_argument(
        "--show-errors", action="store_true", help="with --eval: list every misrouted request"
    )
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Execute ``route``; returns the process exit code (2 for unreadable input)."""
    try:
        teams = load_teams(args.catalog) if args.catalog else load_default_teams()
    except (OSError, ValueError) as exc:
        print(f"error: cannot read catalog: {exc}", file=sys.stderr)
        return 2
    warm_up()
    router = Router(teams)
    if args.jsonl:
        return _route_jsonl(router, args.jsonl, sys.stdout)
    if args.eval:
        code = _evaluate(router, args.eval, show_errors=args.show_errors)
        if code or not args.learned:
            return code
        try:
            learned = learned_by_team(read_examples(args.learned))
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        router.rebuild(learned=learned).result()
        print(f"\nwith {sum(map(len, learned.values()))} learned examples:")
        return _evaluate(router, args.eval, show_errors=args.show_errors)
    _print_decision(router, router.route(args.text))
    return 0


def _print_decision(router: Router, result: RouteResult) -> None:
    names = {team.slug: team.name for team in router.teams}
    if result.team is None:
        print("未能确定服务队")
    else:
        print(f"推荐：{names[result.team]} ({result.team})  得分 {result.score:.1f}")
    if result.choices:
        print("请用户选择：" + "、".join(f"{names[s]} ({s})" for s in result.choices))
    if result.candidates:
        print("候选：")
        for rank, candidate in enumerate(result.candidates, start=1):
            print(f"  {rank}. {names[candidate.team]} ({candidate.team})  {candidate.score:.1f}")
    else:
        print("候选：无")
    if result.matched:
        print("命中关键词：" + "、".join(result.matched))


def _route_jsonl(router: Router, path: str, out: TextIO) -> int:
    try:
        for number, text in _read_texts(path):
            if text is None:
                print(
                    f"error: {path}:{number}: expected a JSON object with a 'text' string",
                    file=sys.stderr,
                )
                return 2
            result = router.route(text)
            row = {
                "text": text,
                "team": result.team,
                "score": result.score,
                "candidates": [{"team": c.team, "score": c.score} for c in result.candidates],
                "choices": list(result.choices),
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


def _read_texts(path: str) -> Iterator[tuple[int, str | None]]:
    """``(line number, text)`` per non-blank line; text is ``None`` for a malformed line."""
    handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                row = None
            text = row.get("text") if isinstance(row, dict) else None
            yield number, text if isinstance(text, str) else None
    finally:
        if handle is not sys.stdin:
            handle.close()


def _evaluate(router: Router, path: str, *, show_errors: bool) -> int:
    try:
        examples = read_examples(path)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = evaluate(examples, router.route)
    print(f"requests: {report.total} ({report.real_total} for a team, {report.none_total} none)")
    print(f"top-1 accuracy: {report.top1_rate:.1f}% ({report.top1}/{report.total})")
    print(f"top-3 accuracy: {report.top3_rate:.1f}% ({report.top3}/{report.total})")
    print(
        f"none answered no team: {report.none_kept}/{report.none_total} "
        f"({report.none_kept_rate:.1f}%)"
    )
    print(
        f"real requests answered no team: {report.false_none}/{report.real_total} "
        f"({report.false_none_rate:.1f}%)"
    )
    print(
        f"real requests routed right or offered: {report.routed_or_offered}/{report.real_total} "
        f"({report.routed_or_offered_rate:.1f}%), asked with buttons: {report.asked} "
        f"({report.asked_rate:.1f}%)"
    )
    print("most frequent confusions (expected -> got):")
    if not report.confusions:
        print("  (none)")
    for (expected, got), count in report.confusions.most_common(CONFUSIONS_SHOWN):
        print(f"  {expected} -> {got}: {count}")
    if show_errors:
        print("misrouted requests:")
        for example, result in report.misses:
            shown = ", ".join(f"{c.team} {c.score:.1f}" for c in result.candidates) or "-"
            print(f"  [{example.team} -> {result.team or 'none'}] {example.text}  ({shown})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point until ``jiangxin/cli.py`` registers the subcommand."""
    parser = argparse.ArgumentParser(prog="jiangxin")
    add_subparser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
