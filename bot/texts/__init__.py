"""Every user-facing sentence, keyed, in Simplified Chinese (default) and English.

The sentences live in data files, one per language and area of the product:
``zh/ordering.toml`` and ``en/ordering.toml`` hold the same keys (``"area.thing"``),
Chinese first because it is the primary language. Values are HTML with
``str.format`` placeholders; arguments are HTML-escaped unless wrapped in
``Safe``, so a name like ``<b>王</b>`` shows literally instead of breaking the markup.
Every key is written out in full where it is used (no f-string keys), so
``tests/test_texts.py`` can check that each used key exists and each defined key
is used.

A module here that still holds the old ``ZH`` and ``EN`` dicts (``wechat.py`` …)
is merged too, for now. To convert it, write each dict out as
``"key" = "text"`` lines in ``zh/<area>.toml`` and ``en/<area>.toml`` (multi-line
texts as triple-quoted strings) and delete the module.
"""

from __future__ import annotations

import html
import pkgutil
import tomllib
from datetime import date, datetime
from importlib import import_module, resources
from typing import Any

from babel.dates import format_date, format_datetime

DEFAULT_LANGUAGE = "zh"
LANGUAGES = ("zh", "en")

# Modules of this package that hold no sentences.
_NOT_TEXTS = frozenset({"choices"})


class Safe(str):
    """A string that is already markup and must not be escaped again."""


def esc(value: object) -> str:
    """Escape user-supplied text for the HTML subset replies use."""
    return html.escape(str(value), quote=False)


def _add(catalog: dict[str, str], texts: dict[str, str], origin: str) -> None:
    for key, text in texts.items():
        if key in catalog:
            raise RuntimeError(f"text key {key!r} is defined twice (again in {origin})")
        catalog[key] = text


def _load() -> dict[str, dict[str, str]]:
    """Read every catalog file (and any old-style dict module) once, at import."""
    catalog: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    package = resources.files(__name__)
    for lang in LANGUAGES:
        for entry in sorted(package.joinpath(lang).iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".toml"):
                origin = f"{lang}/{entry.name}"
                _add(catalog[lang], tomllib.loads(entry.read_text(encoding="utf-8")), origin)
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg or info.name in _NOT_TEXTS:
            continue
        mod = import_module(f"{__name__}.{info.name}")
        for lang, attr in (("zh", "ZH"), ("en", "EN")):
            _add(catalog[lang], getattr(mod, attr, {}), f"{info.name}.py")
    return catalog


_CATALOG = _load()


def normalize_language(code: str | None) -> str:
    """Map a client's language code (``zh-hans``, ``en-US`` …) to one we have."""
    if not code:
        return DEFAULT_LANGUAGE
    code = code.lower()
    return "en" if code.startswith("en") else DEFAULT_LANGUAGE


def t(lang: str | None, key: str, **kwargs: Any) -> str:
    """The sentence ``key`` in ``lang`` (falling back to Chinese), with escaped arguments."""
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    text = _CATALOG[lang].get(key) or _CATALOG[DEFAULT_LANGUAGE].get(key)
    if text is None:
        raise KeyError(f"no text for {key!r}")
    if not kwargs:
        return text
    safe = {k: v if isinstance(v, Safe) else esc(v) for k, v in kwargs.items()}
    return text.format(**safe)


def date_text(lang: str | None, key: str, value: date | datetime) -> str:
    """``value`` in the date pattern kept under ``key`` (``date.when`` …).

    Babel names the months and weekdays for the language, so no module spells out
    周二 or Tue by hand; a datetime is shown in its own time zone.
    """
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    pattern = t(lang, key)
    if isinstance(value, datetime):
        return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=lang)
    return format_date(value, pattern, locale=lang)


def has(key: str) -> bool:
    return key in _CATALOG[DEFAULT_LANGUAGE]


def keys(lang: str = DEFAULT_LANGUAGE) -> set[str]:
    return set(_CATALOG[lang])
