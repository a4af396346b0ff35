"""Seeded generator of short realistic texts (SMS, chat lines, call snippets) for training.

The corpora are long LLM-written dialogues; real traffic is short SMS and chat lines, and real
negatives include the texts keyword systems get wrong (96110 reminders that say 刷单, genuine bank
notices, verification-code SMS, ads, family chat about money, fraud news). These templates are the
project's own wording. The hand-written evaluation set (tests/detect/data/realistic.jsonl) uses
different wording on purpose, so it stays an honest held-out set.
"""

from __future__ import annotations

import random
import string

from fanzha.detect.checksums import id_check_char

_SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高"
_BANKS = ("工商银行", "建设银行", "农业银行", "中国银行", "招商银行", "交通银行", "邮储银行", "平安银行")
_SHOPS = ("淘宝", "京东", "拼多多", "抖音商城", "唯品会")
_COURIERS = ("顺丰", "中通", "圆通", "韵达", "申通", "京东物流", "邮政")
_GAMES = ("王者荣耀", "和平精英", "原神", "梦幻西游", "英雄联盟")
_TLDS = ("top", "xyz", "vip", "cc", "icu", "shop", "club", "site")
_APPS = ("易信", "蝙蝠", "安聊", "秘聊", "火聊")


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(("总", "局", "经理", "主任", "处长", "书记"))


def _mobile(rng: random.Random) -> str:
    return rng.choice(("13", "15", "17", "18", "19")) + "".join(rng.choices(string.digits, k=9))


def _url(rng: random.Random) -> str:
    word = rng.choice(("icbc-vip", "ccb-kf", "etc-gov", "tb-refund", "jd-pei", "yibao-cx", "task88", "gp-vip",
                       "95588-sec", "sf-lipei", "boc-jf", "tax-tui"))  # fmt: skip
    return f"http://{word}{rng.randint(1, 99)}.{rng.choice(_TLDS)}/{rng.choice(('m', 'h5', 'a', 'login'))}"


def _money(rng: random.Random) -> str:
    return rng.choice((f"{rng.randint(2, 98)}00元", f"{rng.randint(1, 30)}万", f"{rng.randint(1, 9)}k",
                       f"{rng.randint(10, 500)}元", f"{rng.randint(1, 9)}万元"))  # fmt: skip


def _fill(template: str, rng: random.Random) -> str:
    slots = {
        "bank": rng.choice(_BANKS), "shop": rng.choice(_SHOPS), "courier": rng.choice(_COURIERS),
        "game": rng.choice(_GAMES), "boss": _name(rng), "phone": _mobile(rng), "url": _url(rng),
        "money": _money(rng), "money2": _money(rng), "n": str(rng.randint(2, 9)),
        "qq": str(rng.randint(10_000_000, 2_999_999_999)), "app": rng.choice(_APPS),
        "code": str(rng.randint(100_000, 999_999)), "tail": str(rng.randint(1000, 9999)),
        "wx": rng.choice(("kf", "vip", "zl", "lc", "a")) + str(rng.randint(100, 99999)),
        "pct": str(rng.randint(3, 30)), "date": f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
        "surname": rng.choice(_SURNAMES),
    }  # fmt: skip
    return template.format(**slots)


FRAUD_TEMPLATES: dict[str, tuple[str, ...]] = {
    "F01": (
        "招聘兼职，手机操作，给商家点赞关注一单{n}元，日结，有意者加qq{qq}",
        "宝妈学生在家就能做的兼职，做任务返佣金，本金加佣金立即返还，加v{wx}了解",
        "您好，完成三单任务即可提现，第三单是连单任务需要先垫付{money}，完成后一起返还",
        "你的任务卡单了，需要再充值{money}才能解冻，之前的本金和佣金都能提出来",
        "【抖音】诚招网络点赞员，每天动动手指赚{money}，下载{app}领取任务",
        "亲，刷单任务第{n}单已派发，请按导师指示充值{money}，佣金{pct}%当场返",
        "在家也能赚钱，帮商家刷信誉，不收任何费用，先垫付后返还，联系{phone}",
    ),
    "F02": (
        "老师今天带单的股票又涨停了，想进内部投资群的私聊我，稳赚不赔",
        "我们有内幕消息，跟着导师操作，月收益{pct}%以上，平台充值{money}就能开户",
        "数字货币量化交易，日收益{pct}%，已经有几百人跟单赚钱了，下载{app}注册",
        "您好，这里是{surname}老师的助理，您的投资账户收益已达{money}，提现需先缴纳{pct}%的保证金",
        "原始股内部认购，上市后至少翻十倍，名额有限，加微信{wx}咨询",
        "usdt搬砖套利，保本保息，零风险每天稳赚{money}，注册链接{url}",
        "老师说这个平台是内部渠道，入金{money}送{pct}%，出金秒到，赶紧上车",
    ),
    "F03": (
        "无抵押无担保，黑户也能贷，最高可贷{money}，秒批秒到账，详询{phone}",
        "您申请的贷款已审核通过，但银行卡号填写错误导致资金冻结，需缴纳解冻费{money2}",
        "您的流水不足，需要刷流水{money}证明还款能力后才能放款",
        "【{bank}】您有一笔{money}的低息贷款额度待激活，点击{url}领取",
        "贷款放款前需要先交{money2}的保证金，放款后连同贷款一起退还给您",
        "不看征信，身份证就能借，额度{money}，下载{app}填写资料即可",
    ),
    "F04": (
        "您好，我是{courier}快递客服，您的包裹在运输中丢失了，我们会给您双倍理赔，请加微信{wx}办理",
        "【{shop}】您购买的商品存在质量问题，我们将为您退款，请点击{url}填写退款信息",
        "您好，您开通了{shop}百万保障服务，不关闭每月将自动扣费{money2}，请按我说的操作关闭",
        "您在直播间购买的商品被检测出问题，现给您三倍赔偿，需要您打开支付宝备用金配合操作",
        "我是{shop}客服，您误开通了学生会员，不取消会影响征信，请下载{app}开启屏幕共享",
        "您的快递因地址不详被退回，请联系客服{phone}办理理赔，逾期作废",
    ),
    "F05": (
        "我是市公安局刑警支队的{surname}警官，你的身份信息涉嫌一起洗钱案，需要配合调查",
        "你名下的银行卡涉嫌洗钱，现在要进行资金清查，把钱转到安全账户，这件事必须保密",
        "这是检察院发给你的通缉令，你要自证清白，就把资金转入国家监管账户",
        "【法院】您有一张传票未领取，请立即拨打{phone}，逾期将被强制执行",
        "你涉嫌非法出境，现在对你进行远程笔录，不能告诉家人，下载{app}开视频",
        "我们是专案组，你的账户卷入一起刑事案件，需要冻结，请配合我们调查，案件编号{code}",
    ),
    "F06": (
        "您好，您大学期间开通过校园贷，现在需要注销，否则会影响征信",
        "您的征信有逾期记录，我们可以帮您消除记录，修复征信，需要先交{money2}",
        "我是银保监会工作人员，您的网贷账户未注销，会影响您的征信，需要把额度清空",
        "同学你好，国家要求清理校园贷，请配合注销账户，按提示把借款转到指定账户",
    ),
    "F07": (
        "演唱会门票内部渠道代抢，先付定金{money2}，出票后付尾款",
        "全新iphone内部价{money}，比官网便宜一半，私下交易不走平台，加微信{wx}",
        "免税店代购名牌包，正品保证，先付全款，七天内发货",
        "闲置转让，原价{money}现在一半就卖，平台手续费太高，直接转给我就行",
        "低价出售二手车，先交{money2}定金锁车，看车前转账",
    ),
    "F08": (
        "我是{boss}，这是我的新号码，你存一下，明天来我办公室一趟",
        "小{surname}，我在开会不方便接电话，有个领导急需用钱，你先帮我转{money}给对方，我回头还你",
        "爸，我手机丢了，这是我新微信，急用钱交学费，先转{money}给我",
        "老同学，还记得我吗，我换号了，最近手头紧，能不能借我{money}周转一下",
        "我是你们{boss}，财务那边走流程太慢，你先把{money}打给这个账户，回头补手续",
        "猜猜我是谁，我换微信了，加我新微信{wx}",
    ),
    "F09": (
        "收{game}账号，高价回收，先在交易猫平台上架，交易需要保证金{money2}",
        "{game}皮肤低价出，点券打{pct}折，私下交易更便宜",
        "您的游戏账号交易资金被冻结了，需要缴纳解冻费{money2}才能提现",
        "出售{game}满级账号，全皮肤，{money}出，加qq{qq}详谈",
        "游戏币充值五折，先充值后到账，联系客服{qq}",
    ),
    "F10": (
        "亲爱的，我舅舅在博彩公司做技术，发现平台漏洞，我们一起投一点就能赚钱",
        "宝贝，我们的未来需要钱，这个投资平台我已经赚了好几十万，你也试试",
        "同城交友，美女主播在线陪聊，下载{app}注册即可视频聊天",
        "你好，我在相亲网站上看到你的资料，很想认识你，加我微信{wx}",
        "老公，我帮你注册了账号，先充值{money}，后台数据显示今晚必中",
    ),
    "F11": (
        "【{bank}】您的账户存在异常交易，已被临时冻结，请点击{url}进行身份核验",
        "您的医保卡因信息不全已被冻结，请拨打{phone}办理解冻",
        "尊敬的客户，您的信用卡积分即将清零，可兑换{money2}现金，点击{url}兑换",
        "您好，我是{bank}客服，您的账户有风险，请提供卡号和验证码配合我们核实身份",
        "【ETC】您的ETC认证已失效，请及时登录{url}更新认证，否则将无法使用",
        "您的保单到期可以退保，我们帮您办理，需要先把资金转入指定账户",
    ),
    "F12": (
        "恭喜您被抽中为幸运用户，获得一等奖{money}，领奖需先缴纳个人所得税{money2}",
        "【个税】您有一笔退税{money2}待领取，请点击{url}登记银行卡",
        "您符合育儿补贴领取条件，请在{date}前点击{url}申领，过期作废",
        "您的手机号在节目中中奖，奖金{money}，请联系客服{phone}兑奖",
        "社保补贴发放通知：您可领取补贴{money2}，请扫码登记",
    ),
    "F99": (
        "你儿子在学校出事了，被打伤住院，急需手术费{money}，赶紧转到这个卡上",
        "你家孩子被我们绑了，准备好{money}赎金，不许报警",
        "我是你老公的同事，他出车祸了，现在急需{money}交押金",
    ),
}

NORMAL_TEMPLATES: tuple[str, ...] = (
    # genuine bank and payment notices
    "【{bank}】您尾号{tail}的账户{date}转入人民币{money}，余额请登录手机银行查询。",
    "【{bank}】您尾号{tail}的卡于{date}消费{money2}，如非本人操作请致电客服。",
    "【{bank}】您的信用卡本期账单已出，请于{date}前按时还款。",
    "【支付宝】您的账户于{date}完成一笔付款{money2}。",
    # verification codes
    "【{shop}】验证码{code}，用于登录，5分钟内有效。请勿泄露给他人。",
    "【{bank}】您正在进行转账操作，验证码{code}，工作人员不会向您索取，请勿告诉他人。",
    "{code}是您的验证码，如非本人操作请忽略本短信。",
    # delivery notices
    "【{courier}】您的快递已到小区驿站，取件码{tail}，请及时领取。",
    "【{courier}】您的包裹已发出，单号SF{code}{tail}，预计明天送达。",
    "快递员：你好，你的快递放门口了，记得拿一下",
    # 96110 / police / anti-fraud reminders that mention fraud words
    "【国家反诈中心】刷单返利都是诈骗，凡是要求先垫付的兼职都是骗局，请勿相信。",
    "【反诈提醒】公检法机关不会通过电话办案，不存在所谓的安全账户，接到此类电话请立即挂断。",
    "民警提醒：凡是要求您屏幕共享、下载会议软件的客服都是诈骗，切勿转账。",
    "96110提醒您：注销校园贷、关闭百万保障都是诈骗话术，谨防上当。",
    "警方提醒：网上交友遇到带你投资赚钱的，一律是诈骗，请提高警惕。",
    "温馨提示：银行工作人员不会要求您提供验证码和密码，谨防诈骗。",
    # ads (not fraud)
    "【{shop}】双十一大促，全场满300减50，点击 {shop}.com 抢购，回复TD退订",
    "本店新开业，会员充值{money2}送{pct}%，欢迎光临，退订回T",
    "{surname}老师少儿英语暑期班开始报名啦，前{n}名报名立减{money2}，咨询{phone}",
    "楼盘火爆认购中，首付{money}起，地铁口精装修，详询售楼处{phone}",
    "【中国移动】您本月流量已使用{pct}%，可回复kt办理加油包。",
    # family and friend chat about money
    "妈，我这个月生活费用完了，能不能再转我{money2}",
    "老婆，房贷今天扣了，卡里还剩{money2}，记得存点钱进去",
    "哥，上次借你的{money}我今天转你了，查收一下",
    "晚上一起吃饭吗，我请客，AA也行",
    "爸，我到学校了，给你们报个平安，钱收到了",
    "这个月工资发了，给你转了{money2}，买点好吃的",
    # work chat
    "{boss}，明天上午十点的会议材料我已经发到您邮箱了",
    "报销单已经交到财务了，审批下来大概要一周",
    "各位同事，明天下午三点在会议室开会，请准时参加",
    # news about fraud
    "据报道，警方近日成功破获一起冒充公检法诈骗案，抓获犯罪嫌疑人{n}名，涉案金额{money}。",
    "记者从市公安局获悉，今年以来全市电信诈骗发案同比下降{pct}%。",
    "近日，某地一名大学生因刷单被骗{money2}，警方提醒广大市民提高警惕。",
    # genuine customer service
    "您好，您申请的退款已原路退回，预计1-3个工作日到账，请注意查收。",
    "【{shop}】您的订单已签收，如对商品满意请给个好评哦。",
    "您好，您的话费余额不足{n}元，请及时充值以免影响使用。",
    # other everyday texts
    "今天天气不错，周末去爬山吗",
    "孩子的家长会定在周五下午，记得来",
    "{game}今晚开黑吗，五排缺一个",
    "股市今天大涨，沪指收涨{n}%，两市成交额破万亿",
    "这个理财产品年化{n}%，风险等级中低，你自己看看合不合适",
)


_EVASIONS = (" ", "*", "❤", "·", "😊", "_")


def evade(text: str, rng: random.Random) -> str:
    """Apply one of the evasion tricks seen in the field (split words, variants, full-width)."""
    trick = rng.randrange(5)
    if trick == 0:  # split every few CJK characters with noise
        sep = rng.choice(_EVASIONS)
        return "".join(ch + (sep if rng.random() < 0.3 else "") for ch in text)
    if trick == 1:
        for a, b in (("微信", "V信"), ("qq", "扣扣"), ("刷单", "刷dan"), ("博彩", "菠菜"), ("贷款", "dai款")):
            text = text.replace(a, b)
        return text
    if trick == 2:  # full-width ASCII
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    if trick == 3:
        return text.replace(".", "点")
    return text + rng.choice(("😊", "🔥🔥", "💰", "👉"))


def generate(n: int, seed: int = 7, fraud_share: float = 0.5, evasion_share: float = 0.2) -> list[tuple[str, str]]:
    """n (text, class) pairs; class is a DESIGN code or "N". Deterministic for a given seed."""
    rng = random.Random(seed)
    codes = sorted(FRAUD_TEMPLATES)
    out: list[tuple[str, str]] = []
    for _ in range(n):
        if rng.random() < fraud_share:
            code = rng.choice(codes)
            text = _fill(rng.choice(FRAUD_TEMPLATES[code]), rng)
        else:
            code = "N"
            text = _fill(rng.choice(NORMAL_TEMPLATES), rng)
        if rng.random() < evasion_share:
            text = evade(text, rng)
        out.append((text, code))
    return out


def valid_id_number(rng: random.Random) -> str:
    """A checksum-valid resident ID number for tests and examples (fictional person)."""
    first = f"{rng.choice((110101, 310104, 440305, 510107))}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}"
    first += f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first + id_check_char(first)
