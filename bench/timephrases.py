"""How many everyday time phrases the order dialog accepts.

Reads tests/core/data/time_phrases.txt (answers to "什么时候方便上门？" written by
hand, not tuned one by one) and parses each at a fixed "now" (Friday 10:00 in
Asia/Shanghai). A phrase is *understood* when it yields a window, *offered* when
it is unclear but carries a likely reading the bot offers for one tap, and
*refused* otherwise. Prints the figures and, with --list, the refused phrases.

    python bench/timephrases.py [--list]
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import timeparse

PHRASES = Path(__file__).resolve().parents[1] / "tests" / "core" / "data" / "time_phrases.txt"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=TZ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--list", action="store_true", help="print the refused phrases")
    args = parser.parse_args()
    lines = PHRASES.read_text(encoding="utf-8").splitlines()
    phrases = [p.strip() for p in lines if p.strip() and not p.startswith("#")]
    understood = offered = 0
    refused: list[tuple[str, str | None]] = []
    for phrase in phrases:
        parsed = timeparse.parse_detailed(phrase, NOW, TZ)
        if parsed.window is not None:
            understood += 1
        elif parsed.guess is not None:
            offered += 1
        else:
            refused.append((phrase, parsed.reason))
    n = len(phrases)
    print(f"time phrases: {n}")
    print(f"  understood          {understood:4d}  {understood / n:6.1%}")
    print(f"  offered for a tap   {offered:4d}  {offered / n:6.1%}")
    print(f"  accepted (both)     {understood + offered:4d}  {(understood + offered) / n:6.1%}")
    print(f"  refused             {len(refused):4d}  {len(refused) / n:6.1%}")
    if args.list:
        for phrase, reason in refused:
            print(f"    {phrase}  ({reason})")


if __name__ == "__main__":
    main()
