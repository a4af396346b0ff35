"""Scam *structure* features: a hook class co-occurring with an ask class, outside guard context.

Phrase lists say *what a text talks about*; fraud is a combination: a hook (an official identity, a
refund or compensation, a prize, a high return, task income, a loan/credit fix, an account problem, a
relative or leader in trouble) together with an ask (pay/transfer, click/download, share the screen,
hand over a code/card/ID, move to a private contact, keep it secret), and no guard context (a
reminder, news, quoted or negated speech: 提醒, 警方, 谨防, 据报道, 千万别 …). Each class is a broad
list of synonyms matched as model features (normalized text, the same scan as every other feature);
a text's hook and ask classes are bit masks OR-ed over its features, and the (hook, ask) pair with
the largest weight in ``PAIR_WEIGHTS`` adds its log-odds to the verdict, after the temperature, like
the link rules; a text with a framing guard and no ask at all is capped at ``GUARDED_CAP``. The weights are
priors chosen on development data (docs/detect.md, round five). Round six: a third-person NARRATIVE marker
(据报道, 典型案例, 我直接挂了 …) caps a text whatever asks it retells, a negated ask (请勿向陌生账户转账,
不会索要验证码) is switched off, and a soft "invite" ask (我带你, 要不要也放点钱进去) pairs with high returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import numpy.typing as npt

# Hook classes (bit index = position). Chinese names are shown in the cue reason.
HOOKS: tuple[tuple[str, str, str], ...] = (
    (
        "authority",
        "冒充官方身份",
        "公安局 公安机关 派出所 警官 刑警 网警 民警 检察院 检察官 法院 专案组 通缉 逮捕 涉嫌 洗钱 案件 "
        "人民银行 人行 银保监 金融监管 监管局 税务局 医保局 社保局 海关 通信管理局 工信部 市场监管",
    ),
    (
        "refund",
        "退款/赔偿",
        "退款 退费 赔偿 赔付 理赔 补偿 召回 双倍 三倍 两倍 退还 返还 退回 先行赔付 赔你 损坏 破损 丢件 丢失 质量问题",
    ),
    (
        "prize",
        "中奖/补贴/福利",
        "中奖 抽中 幸运 领奖 奖品 奖金 补贴 补助 免费领 免费送 礼品 兑换 兑奖 福利 回馈 新人礼 红包",
    ),
    (
        "return",
        "高额回报/投资",
        "收益 回报 返息 利息 分红 翻倍 翻番 翻一番 倍收益 涨停 稳赚 盈利 止盈 行情 带单 操盘 私募 基金经理 "
        "股票 牛股 期货 黄金 外汇 数字藏品 藏品 虚拟币 币圈 认购 原始股 上市 内幕 规律 漏洞 稳赢 "
        "一起赚 带你赚 赚钱 投资项目 理财项目 只票 平台是正规 这个平台 那个平台 发现了规律 内部数据",
    ),
    (
        "job",
        "兼职/任务收入",
        "兼职 日结 佣金 提成 做任务 任务单 刷单 点赞 好评 在家 手机就能 计件 日入 月入 "
        "招聘 打字员 录入 手工 宝妈 学生党 足不出户 轻松赚 一单 "
        # Round eight: money for lending out one's accounts and cards is "income" offered the same way.
        "收卡 一类卡 走账 好处费 出租你的 收电话卡 回收电话卡 借我们收钱",
    ),
    (
        "credit",
        "贷款/征信",
        "贷款 借款 网贷 额度 放款 下款 征信 信用记录 失信 逾期 校园贷 学生账号 学生账户 学生借 借呗 花呗 "
        "白条 微粒贷 金条 恶意贷款 不良记录 黑名单",
    ),
    (
        "account",
        "账户/会员异常",
        "异常 冻结 过期 失效 停用 被盗 盗刷 违规 封号 扣费 自动扣 扣除 误开通 开通了 代理商 会员 证书 "
        "到期 注销 关闭 升级 认证失败 核验",
    ),
    (
        "trust",
        "冒充熟人/领导/亲友出事",
        "领导 局长 处长 班主任 我是你 是我啊 新号 换号 换了号 新微信 新的微信 打伤 出车祸 被抓 出事了 "
        "妈，是我 爸，是我 手机快没电 撞车了 撞了人 把人打伤",
    ),
)

# Ask classes (bit index = position).
ASKS: tuple[tuple[str, str, str], ...] = (
    (
        "pay",
        "要求付款/转账",
        "转账 转过来 把钱转 钱转 转到 转给 转入 汇款 打款 打钱 付款 支付 缴费 交费 缴纳 交纳 押金 保证金 "
        "定金 订金 手续费 服务费 运费 关税 清关费 激活费 充值 充进去 下注 投点 入金 "
        "买入 垫付 垫资 扫码 二维码 费用 多少钱 交钱 给钱 钱给 "
        "到这个卡 这个卡上 这张卡上 这张卡 这个账户 你先转 你先打 先付 "
        "打到我 打到这 打到卡上 打到我发 打到我的",
    ),
    (
        "link",
        "点链接/下载App",
        "点击 链接 网址 登录 登陆 下载 app 安装 注册 入口 http www .com .cn .top .cc .vip .xyz .icu",
    ),
    (
        "remote",
        "屏幕共享/会议软件",
        "屏幕共享 共享屏幕 会议app 会议软件 会议号 腾讯会议 zoom 投屏 远程 向日葵 todesk 录屏",
    ),
    (
        "info",
        "索要验证码/卡号/身份",
        "验证码 卡号 密码 身份证号 银行卡号 银行卡信息 账户信息 个人信息 后四位 提供一下 提供您 报一下 发给我 发我 "
        "截图给 输入",
    ),
    (
        "contact",
        "转到私人联系方式",
        "加微信 加v 加qq 加我 微信号 qq号 扣扣 私聊 进群 拉你 拉你进 联系客服 加客服 客服微信 售后专员 "
        "理赔专员 客服专员 支付宝还在用 微信还在用 拨打 回电 致电 联系 qq 微信群 加入群 回复 加薇 加威 薇：",
    ),
    ("secret", "要求保密", "保密 不要告诉 别告诉 别跟 不能告诉 不要声张 单独 不要挂 别挂 别让妈妈 别让你妈 "
                                "别让爸妈 别让你爸 别让家里 别让别人"),
    ("act", "要求配合处理", "配合 处理 操作 取消 关闭 注销 解除 更新 给你认证 帮你认证 视频认证"),
    # Round six: the soft ask of investment/romance chat, which names no payment yet ("要不要也放点钱进去",
    # "我带你", "开个户跟一下"); it pairs with the return hook (and weakly with task income) only.
    (
        "invite",
        "拉人入伙/一起投",
        "你要不要 要不要也 跟我一起 我带你 带你 拉你 一起做 一起投 跟一下 放点钱 放进去 投进去 开户 开个户 "
        "注册一个 邀请码 也投 我教你 你也注册",
    ),
)

# Guard context: reminders, news, quoted or negated speech, genuine completed notices. FRAMES also cap a
# text without an ask (see GUARDED_CAP); QUOTES only switch the pairs off, because in a call or chat they
# are as often the victim doubting the caller ("你是骗子吧", "这该不会是诈骗吧") as a warning.
FRAMES = (
    "反诈提醒 警方提醒 温馨提醒 警方 转给他人 告知他人 告诉他人 不要泄露 谨防 提防 据报道 记者 报道 切勿 "
    "千万别 千万不要 不要相信 不要轻信 反诈 96110 防骗 官方平台 平台担保 请勿 不会要求 绝不 如非本人 "
    "已到账 已退至 请查收 自动扣款 退订 回td 嫌疑人 破获 已还款 无待还款 自动还款"
)
QUOTES = "骗子 骗局 被骗 诈骗 不要转 别转 别信 杀猪盘"  # round fifteen: 杀猪盘 (33 genuine hand texts, no fraud text)

# Round six: third-person retelling. A news item, a police/community reminder or a family warning retells a
# scam *with* its asks (被要求转账, 诱导下载, 让我下载…我直接挂了): its asks are aimed at someone else, so
# a NARRATIVE marker caps the text like a frame without an ask, whatever asks it names (a link rule or a
# risk-list hit still lifts the cap). Only markers that (almost) never occur in a fraud text of any corpus
# are here: 嫌疑人/受害人/民警/抓获/事主/冒充/警惕/被骗 are said by fake police and by callees in
# TeleAntiFraud/TF5/TF8 fraud dialogues, so they stay frames or quotes (docs/detect.md, round six).
NARRATIVE = (
    "据报道 据央视 据新华社 新华社 央视 记者 通讯员 媒体调查 今日说法 典型案例 警方通报 警情通报 判处 "
    "有期徒刑 获刑 落网 网友发帖 发帖称 谎称 所幸 幸亏 一男子 一女子 该男子 被成功拦截 我直接挂了 "
    "直接挂了 你们也注意 大家也注意 的都是骗子 的都是诈骗 骗子编的 一定要核实 一定要电话核实 让转发 请转发 "
    "转发一下 凡是 据悉 据介绍 记者从 本报讯 报道称 人民日报 新京报 警方介绍 警方表示 民警介绍 民警提醒 "
    "民警表示 一名男子 一名女子 六旬 七旬 八旬 老太 王某 刘某 陈某 受骗群众 被骗金额 骗子称 骗子让 我没上当 "
    "没搭理 幸好没 还好没 家里老人 转给家里 身边的老人 大家小心 大家警惕 注意甄别 三不一多 不轻信 拉黑了 "
    "接到一通 接到自称 短信称 被一步步 引导转账 被引导 被诱导 诱导其 其按 其向 骗子以 "
    "不法分子以 遇到此类情况 类似短信 侦破一起 破获一起 一起冒充 诱导受害人 要求受害人 骗取受害人 向受害人 "
    "嫌疑人以 嫌疑人冒充 嫌疑人通过 为由诱导 "
    # Round seven (holdout5 false alarms, counted at zero in the fraud texts of every corpus): news counts
    # (三名男子), a caller retold (有个人打电话…说我中奖, 自称客服), refusals (不理他), community warnings.
    "名男子 名女子 涉款 不理他 骗子会说 村民们 居民们 街坊们 系统预警 涉诈电话 涉诈短信 自称客服 自称是客服 "
    "自称公安 自称警察 有个人打电话 有人给我打电话 打电话说我 说我中奖 民警稍后 民警马上 马上到您家 上门劝阻 "
    # Round eight (holdout6/7 false alarms; none occurs in a fraud text of any corpus): sentences, a radio
    # host retelling a case, a family member saying a link is fake.
    "被判 法院提醒 帮信罪 帮助信息网络犯罪 入狱 各位听众 说是假的 大家别点 别点"
)

# Round six: negated or completed asks (不会询问验证码, 无需另行付款, 请勿向陌生账户转账, 已联系商家). A
# negation phrase of an ask class switches that class off for the text (the state keeps no positions, so a
# text that both negates and makes the same ask loses it: an approximation) and counts as a frame. Only
# forms a scammer does not use: fraud calls are full of reassurances (不会泄露, 不会要求您提供, 不需要支付)
# and callees' refusals (我不要提供, 我不会转账), and LLM-written scam SMS copy 请不要泄露/切勿泄露, so
# 不会/不要/不需要 and 泄露/透露 are not negators here (counted on every corpus, docs/detect.md round six);
# never for "secret", whose asks are themselves negations (不要告诉, 不要挂).
_NEGATED: dict[str, tuple[str, str]] = {  # ask class -> (negators, verbs), every pair is a phrase
    "pay": (
        "无需 无须 无需您 无须您 请勿 切勿 千万别 千万不要 停止",
        "转账 付款 汇款 打款 交钱 转钱 垫付 另行付款 向陌生账户转账 缴纳 交纳 缴费",
    ),
    "link": ("请勿 切勿 千万别 千万不要", "点击 下载 扫码 安装 点陌生链接"),
    "remote": ("请勿 切勿 千万别 千万不要 不要", "屏幕共享 共享屏幕 开启屏幕共享"),
    "info": ("不会 从不 绝不会", "询问 索要 索取"),
}
# Completed asks, and (round fourteen) notices that say nothing need be added or provided (无需提供, 不需要添加:
# in no fraud text of any corpus; 不用提供 is, twice, so it is not here).
# Round fifteen: 别加微信, 不要加微信 and 无需联系 (in no fraud text of any corpus) the same way.
_COMPLETED: dict[str, str] = {
    "contact": "已联系 无需添加 无须添加 不用添加 不需要添加 别加微信 不要加微信 无需联系",
    "info": "无需提供 无须提供",
}
NEGATIONS: dict[str, tuple[str, ...]] = {
    ask: tuple(
        sorted(
            {n + v for n in _NEGATED.get(ask, ("", ""))[0].split() for v in _NEGATED[ask][1].split()}
            | set(_COMPLETED.get(ask, "").split())
        )
    )
    for ask, _, _ in ASKS
}

# A frame with no ask at all (a reminder or news item that names scams, a completed notice) asks nothing
# of the reader: the hooks it quotes are not aimed at them, so its probability is capped here (below the
# threshold; a link rule or a risk-list hit lifts the cap). Tried first as a log-odds penalty: -3 left
# four reminders that quote several scam phrases at p 0.91-1.0, -6 still two (docs/detect.md, round five).
GUARDED_CAP = 0.3

# Log-odds added per (hook, ask) pair; rows = HOOKS, columns = ASKS (pay, link, remote, info,
# contact, secret, act). Zero = the pair says nothing (e.g. an ad: prize + link).
PAIR_WEIGHTS: npt.NDArray[np.float64] = np.array(
    [
        # pay link remote info contact secret act invite
        [3.0, 3.0, 4.0, 3.0, 1.5, 3.5, 1.5, 0.0],  # authority
        [2.25, 2.25, 4.0, 3.0, 2.25, 2.0, 1.0, 0.0],  # refund
        [0.75, 0.0, 4.0, 3.0, 0.0, 2.0, 0.0, 0.0],  # prize: an ad with a link or a hotline is not fraud
        [2.25, 1.5, 4.0, 1.5, 2.25, 2.0, 0.5, 2.25],  # return
        [2.25, 1.0, 4.0, 1.5, 1.5, 1.5, 0.5, 1.0],  # job
        [2.25, 2.25, 4.0, 3.0, 1.0, 2.0, 2.25, 0.0],  # credit
        [1.5, 1.0, 4.0, 3.0, 1.0, 2.0, 0.75, 0.0],  # account
        [2.25, 0.75, 3.0, 1.5, 0.75, 3.0, 0.0, 0.0],  # trust
    ],
    dtype=np.float64,
)


# A text's raw composition state is one int, the OR of its features' bits: hook bits 0-7, ask bits 8-15,
# guard bit 16 (any guard), frame bit 17 (a FRAMES guard), negated-ask bits 18-25 (one per ask class),
# narrative bit 26. ``effective`` folds it into the 18-bit state the pair table is indexed by: negated asks
# cleared, a negation counting as a frame.
HOOK_SHIFT, ASK_SHIFT = 0, len(HOOKS)
GUARD_BIT = 1 << (ASK_SHIFT + len(ASKS))
FRAME_BIT = GUARD_BIT << 1
NEG_SHIFT = ASK_SHIFT + len(ASKS) + 2
NARRATIVE_BIT = 1 << (NEG_SHIFT + len(ASKS))
ASK_MASK = ((1 << len(ASKS)) - 1) << ASK_SHIFT
N_STATES = 1 << NEG_SHIFT
_LOW_MASK = N_STATES - 1


def effective(state: int) -> int:
    """The table state (``N_STATES``) of a raw state: negated ask classes cleared, and a negation counts
    as a frame (it caps a text left without an ask; the other asks still pair with the hooks: "无需转账，
    加一下理赔专员微信" is still a scam); a narrative marker is a guard and a frame."""
    neg = state >> NEG_SHIFT & (ASK_MASK >> ASK_SHIFT)
    out = state & _LOW_MASK & ~(neg << ASK_SHIFT)
    if state & NARRATIVE_BIT:
        out |= GUARD_BIT | FRAME_BIT
    return out | FRAME_BIT if neg else out


def effective_many(states: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``effective`` of every state."""
    neg = (states >> NEG_SHIFT) & (ASK_MASK >> ASK_SHIFT)
    out: npt.NDArray[np.int64] = states & _LOW_MASK & ~(neg << ASK_SHIFT)
    out[neg != 0] |= FRAME_BIT
    out[(states & NARRATIVE_BIT) != 0] |= GUARD_BIT | FRAME_BIT
    return out


@dataclass(frozen=True)
class Composition:
    """The (hook, ask) pair that fires for a text: its log-odds and the Chinese reason of its cue."""

    weight: float
    hook: int
    ask: int

    @property
    def reason(self) -> str:
        return f"“{HOOKS[self.hook][1]}”与“{ASKS[self.ask][1]}”同时出现，是诈骗的典型结构"


@cache
def phrases() -> dict[str, int]:
    """Normalized phrase -> its packed hook/ask/guard bits (a phrase may be in several classes)."""
    table: dict[str, int] = {}
    for shift, classes in ((HOOK_SHIFT, HOOKS), (ASK_SHIFT, ASKS)):
        for bit, (_, _, words) in enumerate(classes):
            for p in words.split():
                table[p] = table.get(p, 0) | 1 << (shift + bit)
    for p in QUOTES.split():
        table[p] = table.get(p, 0) | GUARD_BIT
    for p in FRAMES.split():
        table[p] = table.get(p, 0) | GUARD_BIT | FRAME_BIT
    for p in NARRATIVE.split():
        table[p] = table.get(p, 0) | GUARD_BIT | FRAME_BIT | NARRATIVE_BIT
    for bit, (name, _, _) in enumerate(ASKS):
        for p in NEGATIONS[name]:
            table[p] = table.get(p, 0) | 1 << (NEG_SHIFT + bit)
    return table


def best_pair(state: int) -> Composition | None:
    """The strongest (hook, ask) pair of a raw state; None under a guard or with no positive pair."""
    state = effective(state)
    if state & GUARD_BIT:
        return None
    best: Composition | None = None
    for h in range(len(HOOKS)):
        if not state >> (HOOK_SHIFT + h) & 1:
            continue
        for a in range(len(ASKS)):
            w = float(PAIR_WEIGHTS[h, a])
            if state >> (ASK_SHIFT + a) & 1 and w > 0 and (best is None or w > best.weight):
                best = Composition(w, h, a)
    return best


def guarded(state: int) -> bool:
    """A frame and no (un-negated) ask, or a narrative marker whatever the asks: the text is capped at
    ``GUARDED_CAP`` (unless a rule fires). ``state`` is a raw state."""
    eff = effective(state)
    return bool(state & NARRATIVE_BIT) or (bool(eff & FRAME_BIT) and not eff & ASK_MASK)


def guarded_many(states: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """``guarded`` of every raw state."""
    eff = effective_many(states)
    out: npt.NDArray[np.bool_] = ((states & NARRATIVE_BIT) != 0) | (((eff & FRAME_BIT) != 0) & ((eff & ASK_MASK) == 0))
    return out


def log_odds(state: int) -> float:
    """The pair log-odds of one raw state (``log_odds_table`` at its effective state)."""
    return float(log_odds_table()[effective(state)])


def log_odds_many(states: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """``log_odds`` of every raw state, one table look-up."""
    out: npt.NDArray[np.float64] = log_odds_table()[effective_many(states)]
    return out


@cache
def log_odds_table() -> npt.NDArray[np.float64]:
    """Log-odds of every effective state (``N_STATES``): the best pair's weight, 0 under a guard. One table for
    both paths, so per-text and batch scores stay bit-identical."""
    states = np.arange(N_STATES, dtype=np.int64)
    table = np.zeros(N_STATES, dtype=np.float64)
    for h in range(len(HOOKS)):
        for a in range(len(ASKS)):
            both = (states >> (HOOK_SHIFT + h) & 1).astype(bool) & (states >> (ASK_SHIFT + a) & 1).astype(bool)
            table[both] = np.maximum(table[both], max(0.0, float(PAIR_WEIGHTS[h, a])))
    table[(states & GUARD_BIT) != 0] = 0.0
    return table
