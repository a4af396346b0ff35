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
        "surname": rng.choice(_SURNAMES), "tld": rng.choice(_TLDS),
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


# Combinatorial pieces: (hook, ask) per type. A fraud text = optional opener + hook + ask.
FRAUD_PIECES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "F01": (
        (
            "线上兼职招人，时间自由",
            "帮网店做销量，一单一结",
            "做点赞任务，截图就能领佣金",
            "关注博主就给红包",
            "新手任务已经开放",
        ),
        ("先垫付本金，完成后连本带佣金返还", "加群领任务", "联系派单员{wx}", "下载{app}接单", "做满五单奖励{money2}"),
    ),
    "F02": (
        (
            "导师带单收益稳定",
            "内部消息拿到了牛股",
            "新出的虚拟币马上要拉盘",
            "机构专属理财通道开放",
            "跟着老师做了一个月赚了{money}",
        ),
        ("进群听课免费", "到平台充值就能跟单", "最低入金{money2}", "名额有限先到先得", "加助理{wx}开户"),
    ),
    "F03": (
        ("急用钱可以找我们", "不查征信就能批", "额度已经给你审批好了", "你的借款卡在放款环节"),
        ("先交一笔解冻金", "需要先验资证明还款能力", "交完手续费马上放款", "把流水刷够就能下款"),
    ),
    "F04": (
        ("您的包裹在运输途中损坏", "您购买的商品存在安全隐患", "您开通的会员服务即将扣费", "您的订单被系统重复扣款"),
        (
            "我们给您理赔，需要您配合操作",
            "请开启屏幕共享按我的步骤来",
            "请提供收款的银行卡号",
            "打开借款软件把额度借出来验证",
        ),
    ),
    "F05": (
        ("这里是公安局经侦大队", "你的身份证被人盗用开了账户", "你涉及一起洗钱案", "检察院已经对你立案"),
        ("你要把钱转到清查账户核查", "这件事要保密不能告诉家人", "你必须配合调查否则马上逮捕", "下载软件做远程笔录"),
    ),
    "F06": (
        ("你大学时注册的学生贷款账户没注销", "你的征信有不良记录", "国家要求清理校园贷"),
        ("不处理会影响征信", "我们可以帮你消除记录", "把额度借出来转到指定账户就能注销"),
    ),
    "F07": (
        ("内部渠道低价出货", "演出门票代抢", "名牌包免税价转让", "限量款球鞋原价出"),
        ("先付定金锁货", "不走平台私下交易更便宜", "全款付了马上发货", "加我微信直接转账"),
    ),
    "F08": (
        ("我是{boss}，换号了", "我是你领导，在开会", "我是你老同学", "我是你表哥，换了新号"),
        ("有笔钱急着转给对方，你先帮我垫上", "帮我转{money}，明天还你", "加我新微信{wx}", "急用钱周转一下"),
    ),
    "F09": (
        ("高价收你的游戏账号", "游戏装备低价甩卖", "点券折扣代充", "你的游戏交易资金被冻结了"),
        ("去这个交易平台走担保", "先交保证金才能解冻", "先付款后充值", "私下交易不走官方"),
    ),
    "F10": (
        (
            "亲爱的，我发现一个博彩平台的漏洞",
            "宝贝，我舅舅知道平台的后台数据",
            "认识你真好，带你一起投资",
            "同城美女陪聊",
        ),
        ("我们一起投一点稳赚", "为了我们的未来你也充一点", "先充值才能提现", "下载{app}注册视频"),
    ),
    "F11": (
        ("【{bank}】您的账户存在异常", "您的医保卡已被冻结", "您的信用卡积分即将过期", "您的ETC认证已失效"),
        ("请点击{url}核验身份", "请提供卡号和验证码", "请登录{url}兑换现金", "请联系{phone}解冻"),
    ),
    "F12": (
        ("恭喜您中了二等奖", "您有一笔补贴待领取", "您有个税退税未领取", "您被抽中为幸运客户"),
        ("领奖需先交手续费", "点击{url}登记银行卡", "先缴纳个人所得税{money2}", "联系客服{phone}兑奖"),
    ),
    "F99": (
        ("你儿子出事了", "你家人被打伤住院了", "你孩子在我们手上"),
        ("赶紧转钱过来", "急需手术费", "不许报警，准备赎金"),
    ),
}

# Anti-fraud reminders and news reuse the fraud hooks: the same words in a warning are not fraud.
_WARN_PREFIX = ("【反诈提醒】", "民警提醒：", "96110温馨提示：", "【国家反诈中心】", "社区通知：", "银行提示：", "")
_WARN_SUFFIX = (
    "都是诈骗，请勿相信。",
    "是典型的诈骗套路，谨防上当！",
    "这类话术一律是诈骗，请直接挂断。",
    "遇到请拨打96110咨询。",
    "千万不要转账，如有疑问请报警。",
    "请提高警惕，不要轻信。",
)
_NEWS_PREFIX = ("据报道，", "记者获悉，", "近日，", "警方通报：", "案例：")
_NEWS_SUFFIX = (
    "警方已抓获犯罪嫌疑人。",
    "受害人被骗{money}。",
    "目前案件正在进一步侦办中。",
    "民警及时劝阻，避免了损失。",
)
_CHAT_ABOUT_FRAUD = ("今天有人给我打电话说“{hook}”，我一听就是骗子，直接挂了",
                     "我妈差点信了，对方说“{hook}”，还好我拦住了", "你看这条短信：“{hook}”，明显是诈骗吧",
                     "同事说他朋友因为“{hook}”被骗了好几万")  # fmt: skip
SHORT_CHAT = ("在吗", "好的", "收到", "哈哈哈", "谢谢", "晚安", "我到了", "马上到", "吃了吗", "没问题",
              "明天见", "路上注意安全", "下班了吗", "等我一下", "行，就这么定了", "辛苦了", "你先忙",
              "周末有空吗", "这个怎么弄", "发我一下地址")  # fmt: skip
MORE_NORMAL = (
    "【{bank}】您尾号{tail}的账户{date}工资入账{money}。", "【{bank}】您的账户余额变动：支出{money2}，用途：消费。",
    "【{bank}】您申请的贷款已发放至尾号{tail}账户，请按时还款，我行不会收取任何放款前费用。",
    "【医保】您本月医保个人账户划入{money2}。", "【社保】您的社保缴费{money2}已成功扣缴。",
    "【个人所得税】您的退税申请已受理，退税款将退至您本人银行卡，无需点击任何链接。",
    "【{courier}】快递员已取件，运单号{code}{tail}。", "【{courier}】您的包裹正在派送中，派送员电话{phone}。",
    "【{shop}】您的退款{money2}已原路退回，请注意查收。", "【{shop}】您的订单已发货，点击App查看物流。",
    "【{game}】您的账号于{date}在新设备登录，如非本人操作请及时修改密码。", "{game}新赛季开始啦，快来领取登录奖励",
    "【中国电信】您的话费余额{money2}，请及时充值。", "【燃气公司】您本月燃气费{money2}，请于月底前缴纳。",
    "妈，我这周末回家，给你带了点水果", "这个月房租{money2}我转你了，记得查收", "儿子，学费已经交了，好好学习",
    "老婆，晚上我加班，你们先吃", "兄弟，借你的钱不急，有了再还", "AA一下，每人{money2}，微信转我",
    "领导，材料我已经交了，您看看有没有问题", "{boss}，下午的会议改到三点", "老师您好，孩子今天请假一天",
    "家长们请注意，学校不会通过私人微信收取任何费用", "本周五下午开家长会，请准时参加",
    "我在{shop}上买了件衣服，质量不太好，申请退货了", "快递到了放在驿站，取件码{tail}",
    "今天股市大跌，我的基金亏了不少", "听说这个理财产品风险挺大的，还是存定期稳妥",
    "最近在相亲，认识了一个人，还不错", "周末一起打{game}吗", "我把旧手机在闲鱼上卖了，走的官方担保",
    "银行柜员提醒我转账前先核实对方身份，挺负责的", "我去派出所办了身份证，顺便装了国家反诈中心App",
    "今年补贴政策出来了，要去社区服务中心现场申请", "单位的过节费发了，{money2}",
    "您好，欢迎致电{bank}，我行工作人员不会索要您的验证码和密码", "您好，您的快递已签收，如有问题请联系官方客服",
)  # fmt: skip


# Second round: wording the first templates lacked (stock-tip groups, loan fees, "your son/old friend"
# messages, bank app shutdown SMS), measured as the main misses on the realistic set and on TF5/TF8.
MORE_FRAUD: dict[str, tuple[str, ...]] = {
    "F02": (
        "群里{surname}老师今天推的票已经拉了{n}个点，明天还有一只，想跟的找助理领取策略",
        "机构席位打新名额，中签率百分百，今天下载{app}完成认购",
        "这个币下个月上大交易所，现在进场至少{n}倍，我已经投了{money}",
        "您的账户盈利{money}，按平台规定提现前要交{pct}%的税费和风控保证金",
        "外汇黄金对冲，专业团队带单，入金{money}当天见收益",
    ),
    "F03": (
        "我们是助贷机构，可以帮你包装流水办大额贷款，前期收{money2}服务费",
        "你的借款被风控了，要做几笔流水，把钱转到我给的账户再转回来就能放款",
        "网贷逾期不用怕，专业团队帮你停息挂账，先交{money2}咨询费",
        "放款失败，原因是您的账户未开通会员，充值{money2}开通后立即放款",
    ),
    "F08": (
        "爸妈，我手机坏了，借的同学手机，急需{money2}交资料费，转到这张卡上",
        "你还记得我吗，以前一个班的，我在外地遇到点急事，能先借我{money2}吗，月底还你",
        "我是孩子的班主任{surname}老师，本学期教辅费请家长扫码缴纳，今天截止",
        "{boss}：这是我新微信，旧号不用了，明早到我办公室来",
    ),
    "F11": (
        "【{bank}】您的手机银行即将停用，请登录{url}完成实名认证",
        "您好，保险公司这边多收了您一笔保费，现在退还给您，请提供银行卡号和短信码",
        "【{bank}】您的积分可兑换{money2}现金，今日过期，兑换地址{url}",
        "信用卡中心通知：您的卡可以提额到{money}，需要先存入{money2}验资",
    ),
    "F12": (
        "【教育局】育儿补贴开始发放，家长请添加工作人员微信{wx}登记",
        "恭喜您在店庆活动中抽中二等奖，领奖前需缴纳{money2}公证费",
    ),
}

# Genuine operator and shop promotions: points, lotteries and gifts are everyday marketing, not fraud
# (measured: they were most of the false positives on the real SMS of telecom-fraud-texts-5).
OPERATOR_PROMOS = (
    "【中国移动】您的积分{n}000分可在中国移动App积分商城兑换话费，回复TD退订",
    "【中国联通】年终回馈，登录联通手机营业厅参与抽奖，有机会获得全年免账单，回复TD退订",
    "【中国电信】您的积分将于年底清零，请登录电信营业厅App兑换礼品",
    "尊敬的客户，感谢您对中国移动的支持，现推出流量包优惠活动，详询营业厅或拨打10086",
    "【中国移动】恭喜您获得一次抽奖机会，登录掌厅即可参与，奖品有流量和视频会员",
    "亲爱的用户，彩铃免费领取活动开始啦，回复1即可开通，次月不收费，退订回TD",
    "【{shop}】会员日红包已发放，最高{money2}，打开App领取，退订回T",
    "本店周年庆，到店消费满{money2}即可参与抽奖，一等奖价值{money}，欢迎光临",
    "尊敬的客户，您的套餐已升级，每月赠送流量{n}G，详情请登录营业厅App查询",
    "【{bank}】信用卡积分兑换季开始了，登录手机银行积分商城即可兑换礼品",
)


# Third round: cold-call loan offers, relatives "in trouble" asking for money, buying-on-behalf requests,
# fake anti-fraud officers with screen-casting apps, dating "membership" fees, victims retelling a
# 征信/客服 call, goods sold outside the platform (the main misses on TF5/TF8 and the documented gaps;
# no template shares a 6-character run with tests/detect/data/holdout2.jsonl).
THIRD_FRAUD: dict[str, tuple[str, ...]] = {
    "F01": (
        "您好，我们在做回馈活动，免费送米面油，添加我的微信{wx}登记地址后进群领取",
        "恭喜你获得试用名额，下载我们的app注册，按客服要求完成{n}个小任务就能领{money2}",
        "这边是{courier}网点，收件满{n}次送一份回馈礼品，添加我的微信{wx}登记，进群做个关注任务就发货",
        "感谢您在本店多次购物，送您一台小家电，复制这段话到支付宝搜索进群，完成点赞任务后领取",
        "我们是招聘平台的，下载我们的app注册后接任务，每单佣金{money2}，做得多赚得多",
        "您好，我是{surname}主管，公司招线上文员，进群下载{app}，按要求完成任务就有提成",
    ),
    "F03": (
        "您好，我是{bank}的信贷经理，看到您有资金需求，我们这边低利率快速贷款，有需要回复1",
        "我是贷款专员，无抵押低息贷款当天放款，先把身份证照片和银行卡发我做个预审",
        "您的贷款申请要先开通会员才能提现，会员费{money2}，放款时一起退给您",
    ),
    "F05": (
        "您好，我是反诈中心的工作人员，监测到您的账户有风险，请下载投屏软件配合我们检查",
        "我是反诈专员，为了保护您的资金，请把钱先提现到我们提供的账户，核查后退回",
        "你好，我是{surname}警官，你的快递里查出违禁品，现在给你转接到刑侦支队，不要挂电话",
    ),
    "F06": (
        "刚才有个自称京东金融的人说我是学生账户要注销，不然影响征信，让我把借出来的钱转给他",
        "客服跟我说校园贷没注销会上征信，让我在几个平台借钱转过去清空额度，我现在转了{money2}",
    ),
    "F07": (
        "最新款手机内部员工价出，比官网便宜一半，先付{money2}定金，我这边直接给你发顺丰",
        "你在二手平台看中的那台相机我这还有，你别在平台拍了，扫码付款我给你便宜{money2}",
        "纯种小狗出售，打完疫苗，先付全款再安排空运，空运箱另收{money2}",
    ),
    "F08": (
        "哥，我在外地出了点事，身上钱不够，先转{money2}给我行吗，回去马上还你",
        "爸，我跟人起了冲突，对方要私了赔钱，现在不让我走，你赶紧转{money2}过来",
        "我是{boss}，我给你个微信号，你去他那买{n}箱酒，钱我回头一起给你结账",
        "老同学，我项目上急需用钱，能借我钱渡过难关吗，下个月连利息一起还",
        "我是你们学校的{surname}老师，食堂要采购一批物资，你先帮我垫付{money2}，明天财务一起给你",
    ),
    "F09": (
        "你的游戏账号被举报了，要交{money2}保证金才能解除限制，不交就永久封号",
        "我这有{game}的满级号，便宜转你，你先把钱转我，我把账号密码发你",
    ),
    "F11": (
        "【中国移动】尊敬的用户，您的{n}000积分即将清零，请登录 yd10086-jf{n}.{tld} 兑换现金，退订回T",
        "【中国联通】您的话费积分可兑换{money2}红包，今日到期，访问 10010-hb{n}.{tld} 领取，回TD退订",
        "【中国电信】积分兑换活动最后一天，登录 dx-jfdh{n}.{tld} 填写银行卡即可领取{money2}",
        "【{bank}】积分抵扣年费活动，{money2}现金今日到期，请登录 {url} 办理，退订回T",
    ),
    "F10": (
        "欢迎加入同城交友，要和她视频需要先充值激活会员，激活后费用可以退",
        "你好，我们是婚恋平台的红娘，您匹配到的对象需要您先缴纳{money2}保证金才能见面",
        "我在海外做生意，最近资金暂时取不出来，麻烦帮我付一下手续费，等我回国我们就结婚",
    ),
}

# Genuine messages that share words with those scams (loan ads, school notices, platform trades).
THIRD_NORMAL = (
    "【{bank}】个人消费贷年化利率低至3.5%，请通过手机银行App申请，我行不收取任何前期费用，退订回T",
    "家长您好，本学期资料费按学校通知在缴费平台统一缴纳，老师不会私下收款",
    "我在二手平台买了个相机，钱先付给平台，确认收货后才打给卖家，挺放心的",
    "爸，我钱够用，不用给我打钱了，你们自己留着",
    "国家反诈中心App可以查询可疑号码，遇到自称公检法的电话直接挂断",
    "老板，这批货款我已经按合同打到贵公司对公账户了，请查收",
    "同事群里说最近有人冒充领导加微信借钱，大家注意一下",
    "儿子，我手机号换成{phone}了，原来那个号注销了，有事打这个",
    "【{courier}】感谢您的长期支持，寄件满{n}单可在官方App领取优惠券",
)


# Round five: the families the four hand-written sets still miss, in new wording (no template shares a
# 6-character run with those sets except boilerplate, tests/detect/test_round_five.py): investment and
# task chat without the classic cue words, polite customer-service refund/compensation calls, dating
# that turns into investing, 征信 wording, a "your child hurt someone" compensation call, a leader's
# second WeChat.
FIFTH_FRAUD: dict[str, tuple[str, ...]] = {
    "F01": (
        "在家用手机做点资料录入，一天两小时能挣{money2}，开工前交{n}十元培训费",
        "有个下单返现的活动，你先自己付{money2}买一件，半小时后本钱和奖励一起打回来",
        "给有声书试音的副业，试音过了先交{money2}押金拿稿子，做完连押金一起结给你",
        "帮主播冲人气，进直播间待十分钟截个图一次{n}元，做满{n}次要先开个会员",
    ),
    "F02": (
        "{surname}姐，我跟的那个项目这个月又分了{money2}，本钱随时能取，你也放一点进来试试",
        "群里那只票你看到没，又封板了，下一只已经选好，想跟的话我拉你",
        "这批新发行的藏品现在一份{n}百，下月开放交易少说涨{n}倍，要的话我给你留",
        "我表哥在证券公司做内部操作，有个稳当的机会，投{money}进去一周就回本",
        "钱放银行太亏了，我们这个养老计划每个月按时返钱，本金越大每月拿得越多",
        "这波金价老师早就算准了，跟他的单从没亏过，你先拿{money2}试试水",
    ),
    "F04": (
        "您好打扰了，您上周在{shop}买的那款商品批次有问题，我们主动给您退款再补偿{money2}，麻烦加下售后微信{wx}",
        "亲，非常抱歉，您的订单在仓库压坏了发不出来，按规定退您双倍货款，支付宝方便登录一下吗",
        "这里是{courier}赔付中心，您的件在中转时被挤坏了，能赔{money2}，请问您用哪家银行的卡",
        "您好，您买的面膜被抽检不合格要召回，给您退款加补偿，麻烦打开手机的共享屏幕功能我帮您操作",
        "您好，系统把您登记成了我们的合作商户，每月要收{money2}服务费，我教您在手机上解除",
    ),
    "F06": (
        "【信用管理中心】名下存在一笔尚未结清的网络借款，会拉低个人信用，请致电{phone}结清",
        "您好，您以前在{shop}开过的借款功能一直没关，按新规会记入不良记录，需要配合关闭",
        "您的信用分出现异常，以后贷款和办卡都受影响，我们可以帮您处理，先把银行卡信息发一下",
    ),
    "F08": ("我是{boss}，这是我另一个微信，原来那个号先别联系了，下午有件事要你去办",),
    "F10": (
        "认识你以后每天都很开心，我做的那个平台最近很好赚，你也开个户，我带你一起做",
        "宝，等这一波赚完就把婚房首付凑齐，你先在我说的网站充{money2}，我帮你操作",
        "我姑姑在平台里做分析的，今晚有一波机会，你注册一下跟着我们下单",
    ),
    "F99": (
        "请问是{surname}同学爸爸吗？孩子在学校把同学弄伤了，对方要赔{money}，先把医药费转过来不然就报警",
        "你儿子开车撞了人，现在在交警队，对方说{money}就私了，你赶紧把钱打过来",
    ),
}

# Genuine messages that the round-five families resemble: completed tax refunds, platform escrow,
# toll debits, couples and family talking money, matured bank products, refunds that need no action,
# police warnings that ask the reader to stop paying.
FIFTH_NORMAL = (
    "【税务】{date}年度汇算清缴退税{money2}元已打入您尾号{tail}的卡里，留意查看",
    "我在{game}交易平台卖了个号，买家把钱付给平台，确认收货后平台才打款给我",
    "【{bank}】ETC卡{date}高速通行费共{money2}，会从您绑定的卡里扣除",
    "咱妈这次住院先交了押金，出院结算时医保能报销大半",
    "老婆，这个月房贷我已经转过去了，你看下到账没",
    "【{bank}】您购买的理财产品已到期，本金和收益已回到您尾号{tail}的银行卡",
    "【{shop}】退款{money2}已退回原支付账户，一般两三天到，不需要您做任何操作",
    "【区公安分局】系统发现您最近和可疑号码通过话，请暂停一切转账，民警会上门核实",
    "警方提示：“高额回报”“带你赚钱”“先交保证金”都是诈骗套路，遇到请挂断",
    "班会上老师说了，自称能消除征信逾期、帮忙关闭学生贷款的人全是骗子",
)


def _fraud_text(code: str, rng: random.Random, round_five: bool = False) -> str:
    if rng.random() < 0.5:
        templates = FRAUD_TEMPLATES[code] + MORE_FRAUD.get(code, ()) + THIRD_FRAUD.get(code, ())
        return _fill(rng.choice(templates + (FIFTH_FRAUD.get(code, ()) if round_five else ())), rng)
    hooks, asks = FRAUD_PIECES[code]
    return _fill(f"{rng.choice(hooks)}，{rng.choice(asks)}", rng)


def _normal_text(rng: random.Random, round_five: bool = False) -> str:
    # Shares: everyday notices/chat 60%, short chat 15%, warnings/news/chat that quote a scam 25%
    # (quoting too much teaches the model that scam hooks are harmless).
    kind = rng.random()
    if kind < 0.6:
        templates = NORMAL_TEMPLATES + MORE_NORMAL + OPERATOR_PROMOS + THIRD_NORMAL
        return _fill(rng.choice(templates + (FIFTH_NORMAL if round_five else ())), rng)
    if kind < 0.75:
        return rng.choice(SHORT_CHAT)
    hooks, asks = FRAUD_PIECES[rng.choice(sorted(FRAUD_PIECES))]
    hook = _fill(rng.choice(hooks + asks), rng)
    if kind < 0.87:
        return f"{rng.choice(_WARN_PREFIX)}凡是“{hook}”的，{rng.choice(_WARN_SUFFIX)}"
    if kind < 0.95:
        return _fill(f"{rng.choice(_NEWS_PREFIX)}有人以“{hook}”为由实施诈骗，{rng.choice(_NEWS_SUFFIX)}", rng)
    return rng.choice(_CHAT_ABOUT_FRAUD).format(hook=hook)


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


def generate(
    n: int, seed: int = 7, fraud_share: float = 0.5, evasion_share: float = 0.2, round_five: bool = False
) -> list[tuple[str, str]]:
    """n (text, class) pairs; class is a DESIGN code or "N". Deterministic for a given seed.
    ``round_five`` adds the FIFTH_* templates (off by default: the shipped model is trained without them)."""
    rng = random.Random(seed)
    codes = sorted(FRAUD_TEMPLATES)
    out: list[tuple[str, str]] = []
    for _ in range(n):
        if rng.random() < fraud_share:
            code = rng.choice(codes)
            text = _fraud_text(code, rng, round_five)
        else:
            code = "N"
            text = _normal_text(rng, round_five)
        if rng.random() < evasion_share:
            text = evade(text, rng)
        out.append((text, code))
    return out


def valid_id_number(rng: random.Random) -> str:
    """A checksum-valid resident ID number for tests and examples (fictional person)."""
    first = f"{rng.choice((110101, 310104, 440305, 510107))}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}"
    first += f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first + id_check_char(first)
