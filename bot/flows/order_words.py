"""How people answer in the ordering dialog: small talk, yes or no, keyboard labels typed back."""

from __future__ import annotations

from typing import Any

from bot.context import Ctx
from bot.routing import normalize
from bot.routing.stopwords import CHITCHAT
from bot.texts import LANGUAGES, t

# ---------------------------------------------------------------- chit-chat

# Words that may pad a greeting ("谢谢师傅", "你好呀") without making it a request.
_PADDING = frozenset(
    {
        "的",
        "了",
        "啊",
        "呀",
        "吗",
        "呢",
        "吧",
        "哦",
        "哈",
        "师傅",
        "老师",
        "您",
        "你",
        "们",
        "bot",
        "机器人",
        "小助手",
    }
)
_SMALL_TALK = sorted(CHITCHAT | _PADDING, key=len, reverse=True)


def is_chitchat(text: str) -> bool:
    """True when ``text`` is only greetings, thanks and fillers (or only emoji/punctuation)."""
    for chunk in normalize(text).split():
        i = 0
        while i < len(chunk):
            word = next((w for w in _SMALL_TALK if chunk.startswith(w, i)), None)
            if word is None:
                return False
            i += len(word)
    return True


# Typed answers to "您的需求将由【…】处理，对吗？" (normalised forms): people answer the
# question in words as often as with the buttons, and must not have it appended to the need.
_YES = frozenset(
    {
        "对",
        "对的",
        "对啊",
        "对呀",
        "是",
        "是的",
        "是啊",
        "没错",
        "好",
        "好的",
        "可以",
        "行",
        "嗯",
        "嗯嗯",
        "确认",
        "正确",
        "yes",
        "y",
        "ok",
        "okay",
        "right",
        "correct",
        "sure",
    }
)
_NO = frozenset({"不对", "不是", "不是的", "错了", "不", "都不是", "no", "n", "nope", "wrong"})


def yes_or_no(text: str) -> bool | None:
    """True for "对"/"是的"…, False for "不对"/"不是"…, None for anything else."""
    words = normalize(text).split()
    if not words or any(w not in _YES | _NO for w in words):
        return None
    return not any(w in _NO for w in words)


# ---------------------------------------------------------------- labels typed back


def labels(key: str, **kwargs: Any) -> set[str]:
    """A reply-keyboard label in every language, as it comes back when tapped."""
    return {t(lang, key, **kwargs).casefold() for lang in LANGUAGES}


def is_label(ctx: Ctx, key: str, **kwargs: Any) -> bool:
    return ctx.event.text.strip().casefold() in labels(key, **kwargs)
