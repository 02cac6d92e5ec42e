"""Long replies are split into Telegram-sized parts without breaking their markup."""

from __future__ import annotations

import re

import pytest

from handlers.telegram.splitting import split_html, visible_length


def _balanced(part: str) -> bool:
    stack: list[str] = []
    for m in re.finditer(r"<(/?)([a-z]+)[^>]*>", part):
        if m.group(1):
            if not stack or stack.pop() != m.group(2):
                return False
        else:
            stack.append(m.group(2))
    return not stack


def test_short_text_is_untouched() -> None:
    assert split_html("<b>你好</b> &amp; 再见") == ["<b>你好</b> &amp; 再见"]


def test_entities_are_never_cut() -> None:
    text = "电机坏了" + "&amp;" * 5000
    parts = split_html(text, 4096)
    assert len(parts) == 2
    assert all(re.fullmatch(r"[电机坏了]*(?:&amp;)*", p) for p in parts)
    assert "".join(parts) == text


def test_parts_break_at_lines_and_keep_tags_balanced() -> None:
    lines = [f"<b>第{i}行</b> <i>说明 {'字' * 40}</i>" for i in range(300)]
    text = "\n".join(lines)
    parts = split_html(text, 4096)
    assert len(parts) > 1
    for part in parts:
        assert visible_length(part) <= 4096 and _balanced(part)
        assert not part.startswith("\n")
    assert sum(p.count("<b>") for p in parts) == 300


def test_a_tag_spanning_the_cut_is_closed_and_reopened() -> None:
    text = "<b>" + "重" * 5000 + "</b>"
    parts = split_html(text, 4096)
    assert parts[0].startswith("<b>") and parts[0].endswith("</b>")
    assert parts[1].startswith("<b>") and parts[1].endswith("</b>")
    assert visible_length(parts[0]) == 4096
    assert all(_balanced(p) for p in parts)


def test_utf16_units_are_counted_like_telegram() -> None:
    emoji = "👍" * 3000  # two UTF-16 units each
    parts = split_html(emoji, 4096)
    assert [visible_length(p) for p in parts] == [4096, 1904]


@pytest.mark.parametrize("limit", [5, 17, 64])
def test_small_limits_hold(limit: int) -> None:
    text = '<a href="https://x.cn/?a=1&amp;b=2">链接</a>\n' * 30 + "<code>&lt;tag&gt;</code>"
    for part in split_html(text, limit):
        assert visible_length(part) <= limit and _balanced(part)
