"""Replies as WeChat messages: plain text with links, msgmenu or numbered choices, size limits."""

from __future__ import annotations

from bot.reply import Button, KeyButton, Reply
from handlers.wechat.render import MAX_TEXT_BYTES, plain, render


def test_markup_is_dropped_but_links_and_characters_stay() -> None:
    text = '<b>订单</b> &lt;JX&gt; &amp; <a href="https://x.cn/?a=1&amp;b=2">查看</a>'
    assert plain(text) == '订单 <JX> & <a href="https://x.cn/?a=1&amp;b=2">查看</a>'


def test_buttons_become_a_msgmenu_whose_ids_are_the_callback_data() -> None:
    reply = Reply("选一个", buttons=((Button("认领", "claim:7"), Button("不方便", "decline:7")),))
    [message] = render(reply, "zh").messages
    assert message["msgtype"] == "msgmenu"
    assert message["msgmenu"]["list"] == [
        {"id": "claim:7", "content": "认领"},
        {"id": "decline:7", "content": "不方便"},
    ]


def test_too_many_or_too_long_choices_are_numbered() -> None:
    many = tuple((Button(f"服务队{i}", f"t:{i}"),) for i in range(11))
    out = render(Reply("服务清单", buttons=many), "zh")
    assert out.choices == [f"t:{i}" for i in range(11)] and not out.menu
    assert "回复 11 服务队10" in out.messages[-1]["text"]["content"]
    long = render(Reply("x", buttons=((Button("一" * 17, "a:1"),),)), "zh")
    assert long.choices == ["a:1"]


def test_keyboard_choices_link_buttons_and_requests() -> None:
    reply = Reply(
        "地点？",
        keyboard=((KeyButton("📍 发送当前位置", request="location"),), (KeyButton("跳过"),)),
    )
    [message] = render(reply, "zh").messages
    assert message["msgmenu"]["list"] == [{"id": "kb", "content": "跳过"}]
    assert "＋" in message["msgmenu"]["head_content"]
    linked = render(Reply("地图", buttons=((Button("高德", url="https://uri.amap.com/m"),),)), "zh")
    assert linked.messages[0]["text"]["content"].endswith(
        '<a href="https://uri.amap.com/m">高德</a>'
    )


def test_long_text_is_split_within_the_byte_limit_at_line_breaks() -> None:
    lines = [f"第{i}行：" + "内容" * 30 for i in range(100)]
    messages = render(Reply("\n".join(lines)), "zh").messages
    assert len(messages) > 1
    assert all(len(m["text"]["content"].encode()) <= MAX_TEXT_BYTES for m in messages)
    assert "\n".join(m["text"]["content"] for m in messages) == "\n".join(lines)
