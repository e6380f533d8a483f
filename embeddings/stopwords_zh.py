"""Chinese stop words for keywords: function words (never a keyword) and review filler (rarely).

``FUNCTION_WORDS`` carry grammar, not topic: pronouns, particles, conjunctions, adverbs of degree
and time, measure words. ``FILLER`` are words every kind of review uses — generic praise and
blame (不错, 满意, 失望), shopping boilerplate (京东, 卖家, 收到, 这次) — that name no theme unless a
theme is about them; `embeddings.keywords` offers a filler word as a keyword only when the theme
uses it clearly more than the whole corpus does (``FILLER_LIFT``). jieba segments the text; the
lists hold jieba's tokens.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS = _words("""
的 了 是 我 你 他 她 它 们 我们 你们 他们 她们 它们 咱们 大家 自己 人家 别人 这 那 哪 这个 那个 哪个 这些
那些 这种 那种 这样 那样 这么 那么 怎么 怎样 怎么样 什么 为什么 为何 如何 哪里 这里 那里 这儿 那儿
就 都 也 还 很 太 挺 蛮 更 最 非常 十分 特别 比较 相当 极 极其 真 真的 真是 实在 确实 简直 有点 有些 一点
一点儿 一些 一下 一个 一种 一样 一般般 在 有 没有 没 无 不 不是 不会 不能 不要 不用 别 和 与 及 以及 或 或者
还是 并 并且 而 而且 而是 但 但是 可是 不过 然而 虽然 尽管 因为 所以 因此 于是 如果 要是 假如 即使 就是 只是
只要 只有 除了 已经 曾经 正在 一直 一向 总是 常常 经常 往往 又 再 才 只 仅 刚 刚刚 马上 立刻 终于 然后 接着
之后 以后 以前 之前 现在 目前 当时 时候 后来 其实 其中 其他 其它 另外 此外 同时 对于 关于 根据 按照 通过
被 把 给 让 叫 对 向 从 往 跟 比 为 为了 由 由于 以 之 其 所 吗 吧 呢 啊 哦 嗯 呀 么 哈 哈哈 啦 嘛 哎 唉 喔
会 能 能够 可以 可能 应该 应当 需要 要 想 说 看 做 去 来 到 上 下 里 中 内 外 前 后 个 位 次 件 些 等 等等
着 过 得 地 好 很多 许多 不少 多少 几 几个 每 每个 各 各种 所有 一切 任何 全部 部分 还有 就是说 也就是
而已 罢了 的话 来说 来讲 看来 看起来 好像 似乎 大概 也许 或许 估计 反正 总之 总的来说 总体 总体来说
整体 整体来说 一共 一起 一定 肯定 当然 本来 原来 居然 竟然 果然 毕竟 到底 究竟 难道 何况 况且
""")

FILLER = _words("""
不错 很好 挺好 还好 还行 还可以 一般 满意 不满意 满意度 喜欢 不喜欢 好评 差评 中评 推荐 值得 值得购买
失望 很失望 垃圾 太差 很差 不好 好用 不好用 好看 实惠 划算 物美价廉 性价比 感觉 觉得 认为 以为 发现 知道
京东 淘宝 天猫 当当 亚马逊 卓越 苏宁 网购 网上 商城 卖家 商家 店家 掌柜 店铺 宝贝 商品 产品 东西 货 货物
购买 买 买了 购物 入手 下单 收到 到货 拿到 使用 用 用了 用过 试 试用 这次 上次 下次 第一次 第二次 一次
再次 还会 会再 一下子 这家 那家 这款 那款 本 此 该 评价 评论 追评 追加 晒单 说明 描述 总体
问题 情况 方面 时间 东东 朋友 家人 老婆 老公 孩子 客户 顾客 亲 亲们 谢谢 感谢 希望 建议 期待
""")
