"""The callback-data protocol: ``verb:arg:arg`` in short ASCII, at most 64 bytes.

Telegram rejects longer data, and a client can send anything here, so decoding
is strict and handlers must still check that the actor may do what it says.
"""

from __future__ import annotations

import re

MAX_BYTES = 64
_PART = re.compile(r"^[A-Za-z0-9_.\-]+$")


class BadCallback(ValueError):
    """Callback data that is malformed, forged or refers to something gone."""


def encode(verb: str, *args: object) -> str:
    parts = [verb, *(str(a) for a in args)]
    for p in parts:
        if not _PART.match(p):
            raise ValueError(f"callback part {p!r} is not short ASCII")
    data = ":".join(parts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data {data!r} is over {MAX_BYTES} bytes")
    return data


def decode(data: str) -> tuple[str, list[str]]:
    if not data or len(data.encode()) > MAX_BYTES:
        raise BadCallback(data)
    verb, *args = data.split(":")
    if not all(_PART.match(p) for p in (verb, *args)):
        raise BadCallback(data)
    return verb, args


MAX_INT_ARG = 2**31 - 1  # ids are 32-bit integer columns; a forged larger one must not reach SQL


def int_arg(args: list[str], i: int) -> int:
    """The i-th argument as an int that fits a 32-bit column, or BadCallback."""
    try:
        value = int(args[i])
    except (IndexError, ValueError):
        raise BadCallback(":".join(args)) from None
    if not -MAX_INT_ARG <= value <= MAX_INT_ARG:
        raise BadCallback(":".join(args))
    return value


def str_arg(args: list[str], i: int, choices: tuple[str, ...] | None = None) -> str:
    try:
        value = args[i]
    except IndexError:
        raise BadCallback(":".join(args)) from None
    if choices is not None and value not in choices:
        raise BadCallback(value)
    return value
