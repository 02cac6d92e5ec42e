"""Every user-facing sentence, keyed, in Simplified Chinese (default) and English.

Each area of the product keeps its sentences in its own module here
(``common``, ``ordering`` …) as two dicts, ``ZH`` and ``EN``; this package merges
them and formats them. Arguments are HTML-escaped unless wrapped in ``Safe``,
so a name like ``<b>王</b>`` shows literally instead of breaking the markup.
"""

from __future__ import annotations

import html
from importlib import import_module
from typing import Any

# Each module named here holds ZH and EN dicts. Keys are "area.thing".
_MODULES = ("common", "ordering", "volunteer", "dispatch", "schedule", "admin", "web", "activities")

DEFAULT_LANGUAGE = "zh"
LANGUAGES = ("zh", "en")


class Safe(str):
    """A string that is already markup and must not be escaped again."""


def esc(value: object) -> str:
    """Escape user-supplied text for the HTML subset replies use."""
    return html.escape(str(value), quote=False)


def _load() -> dict[str, dict[str, str]]:
    catalog: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for name in _MODULES:
        try:
            mod = import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        for lang, attr in (("zh", "ZH"), ("en", "EN")):
            for key, text in getattr(mod, attr, {}).items():
                if key in catalog[lang]:
                    raise RuntimeError(f"text key {key!r} is defined twice")
                catalog[lang][key] = text
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


def has(key: str) -> bool:
    return key in _CATALOG[DEFAULT_LANGUAGE]


def keys(lang: str = DEFAULT_LANGUAGE) -> set[str]:
    return set(_CATALOG[lang])
