"""Finding a font that draws Chinese, for charts (matplotlib) and posters (Pillow).

Without one, Chinese comes out as boxes. Debian's ``fonts-noto-cjk`` or
``fonts-wqy-microhei`` provide one (``.ci/run`` installs the latter when none is
present); ``JIANGXIN_CJK_FONT`` may name any other font file. The glyph check
reads the font's character map (fontTools), so it needs neither matplotlib nor
Pillow loaded.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

# Fonts known to cover simplified Chinese, most preferred first.
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)
FONT_GLOBS = ("**/NotoSansCJK*.tt[cf]", "**/NotoSansSC*.[ot]tf", "**/wqy-*.ttc")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
PROBE = "匠心点单服务队扫码"


class NoCJKFont(RuntimeError):
    """No installed font draws Chinese; install fonts-noto-cjk or fonts-wqy-microhei."""


def covers(path: str, text: str = PROBE) -> bool:
    """True if the font file (first face of a collection) has a glyph for every character."""
    from fontTools.ttLib import TTFont

    try:
        with open(path, "rb") as fh:  # closed even when fontTools refuses the file
            cmap = TTFont(fh, fontNumber=0, lazy=True).getBestCmap() or {}
    except Exception:  # fontTools raises many kinds on a file that is not a font
        return False
    return all(ord(ch) in cmap for ch in text)


@functools.cache
def _search(override: str) -> str | None:
    for path in (override, *FONT_FILES):
        if path and Path(path).is_file() and covers(path):
            return path
    for root in FONT_DIRS:
        base = Path(root)
        if base.is_dir():
            for pattern in FONT_GLOBS:
                for found in sorted(base.glob(pattern)):
                    if covers(str(found)):
                        return str(found)
    return None


def cjk_font() -> str | None:
    """Path of a font file that has glyphs for Chinese, or None."""
    return _search(os.environ.get("JIANGXIN_CJK_FONT", ""))


def require_cjk_font() -> str:
    path = cjk_font()
    if path is None:
        raise NoCJKFont()
    return path
