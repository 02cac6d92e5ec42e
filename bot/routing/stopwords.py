"""Words that carry no routing signal.

Two lists with two jobs:

* ``CHITCHAT`` — greetings, thanks, acknowledgements and fillers. No admin
  may turn one into a keyword: "你好" must never summon a team.
* ``STOPWORDS`` — chit-chat plus function words and generic request phrasing
  ("帮忙", "师傅", "怎么办") that appear in requests for every team. A request
  made only of these is answered "no team" without scoring, and they are
  never offered by :func:`bot.routing.suggest_keywords`.

Both hold normalised (simplified, lower-case) forms. Questions about the bot
itself ("你是机器人吗") are a third case: they contain words that are real
keywords elsewhere (an industrial 机器人 is a tech term), so
:func:`strip_meta_chat` cuts them out before matching.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


CHITCHAT: frozenset[str] = _words(
    """
    你好 您好 你们好 大家好 哈喽 嗨 hello hi hey 喂 在吗 在不在 有人吗 有人在吗 在么
    早 早上好 上午好 中午好 下午好 晚上好 晚安 早安
    谢谢 谢谢你 谢谢你们 谢谢了 多谢 感谢 非常感谢 谢啦 辛苦了 辛苦 麻烦了 打扰了 thanks thx
    好的 好 好吧 行 可以 收到 知道了 明白 明白了 了解 懂了 ok okay 嗯 嗯嗯 哦 哦哦 噢 啊 呀 哎
    哈 哈哈 哈哈哈 呵呵 嘿嘿 嘻嘻 666 赞 点赞 棒 厉害 牛 不错 太好了 没事 没事了 算了
    再见 拜拜 bye 回头见 测试 test 试试 试一下 你是谁 你是机器人吗
    """
)

STOPWORDS: frozenset[str] = CHITCHAT | _words(
    """
    的 了 着 过 吗 呢 吧 嘛 么 啦 咯 呗 得 地 之 和 与 及 或 或者 跟 同 而 并 且 就 都 也
    还 又 再 才 很 太 更 最 挺 非常 特别 比较 有点 一点 一下 一些 有些 这 那 这个 那个 这些
    那些 这样 那样 这种 那种 这里 那里 这边 那边 哪 哪里 哪个 什么 怎么 怎样 怎么样 怎么办
    咋 咋办 咋整 如何 为什么 为啥 多少 几 是 不 没 没有 有 在 被 把 给 让 对 向 从 到 于 为
    以 用 由 我 我们 咱 咱们 你 你们 您 他 她 它 他们 她们 大家 自己 人家 别人 一个 一直 一样
    已经 现在 今天 昨天 明天 最近 刚才 以前 之前 以后 之后 时候 的话 然后 但是 可是 不过
    因为 所以 如果 要是 虽然 而且 还是 就是 只是 总是 老是 经常 可能 应该 需要 想 想要 要
    能 能不能 可不可以 会 会不会 请 请问 麻烦 帮 帮忙 帮帮 帮助 帮我 求助 求 问 问一下 问下
    咨询 请教 找 找人 联系 看看 看一下 来 去 上 下 里 中 内 外 前 后 个 些 点 次 天 年 月 日
    号 人 事 事情 问题 情况 东西 地方 办法 方法 师傅 老师 老师傅 专家 同志 领导 老板 朋友
    您们 服务 服务队 队 小队 志愿者 志愿 劳模 工匠 能人 行家 懂行 懂 派 派人 上门 一趟
    希望 能够 必须 一定 真的 实在 确实 好像 感觉
    觉得 知道 不知道 告诉 说 讲 搞 弄 做 干 整 办 处理 解决 指导 指点 下来 出来 起来 过来
    """
)


def is_contentless(tokens: list[str]) -> bool:
    """True when every token of a segmented, normalised request is a stop word."""
    return all(token in STOPWORDS or token.isspace() for token in tokens)


_META_CHAT = re.compile(
    r"你(?:到底)?(?:是不是|是)(?:个|一个)?(?:机器人|真人|人工|ai|bot)"
    r"|(?:还是|是不是|是)真人|转人工|人工客服|真人客服"
    # remarks about the bot: "这个机器人好笨", "垃圾机器人", "机器人你好", "小机器人"
    r"|(?:这个?|你这个?|那个|垃圾|破|笨|傻|蠢|小|智能)(?:聊天)?机器人"
    r"|机器人(?:你好|您好|好笨|太笨|真笨|好蠢|太蠢|好傻|不行|没用|不智能|听不懂|答非所问|啥也不懂)"
)


def strip_meta_chat(normalized_text: str) -> str:
    """Blank out questions about the bot itself (``你是机器人吗``, ``转人工``)."""
    return _META_CHAT.sub(" ", normalized_text)
