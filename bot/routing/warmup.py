"""Start-up loading of the router's heavy resources."""

from __future__ import annotations

from bot.routing import segment
from bot.routing.normalize import normalize
from bot.routing.phonetic import text_keys
from bot.routing.semantic import enabled_by_env, get_model


def warm_up() -> None:
    """Load jieba's dictionary (quietly), OpenCC and pypinyin now rather than on a first message.

    jieba alone needs about half a second; a user should never wait for it.
    Safe to call more than once.
    """
    segment.tokenizer()
    text_keys(normalize("預熱：焊接"))
    if enabled_by_env():
        get_model()  # the embedding model: memory-mapped, then one query to touch it
