"""Simplified Chinese demo conversations."""

from . import Conversation, LanguagePack

PACK = LanguagePack(
    code="zh-hans",
    name_style="full",
    closing="{name}您好：\n\n感谢您的反馈！我们这边已经全部处理完毕。如有其他问题，直接回复这条消息即可。\n\n祝好，\n{agent}",
    texts={
        "wismo": Conversation(
            subject="我的订单{order}在哪里？",
            message="你好，我一个多星期前下的单，物流信息已经五天没有更新了。请问我的包裹现在到底在哪里？周末之前我必须要用。",
            reply="{name}您好：\n\n抱歉让您久等了。您的包裹在{carrier}（运单号 {tracking}），目前似乎滞留在分拣中心。我已经向承运商提交了查询，有结果会第一时间通知您。\n\n祝好，\n{agent}",
            followup="今天早上收到了，谢谢你们帮忙催！",
        ),
        "wrong_size": Conversation(
            subject="尺码不对，想换货",
            message="你好，我买的“{item}”尺码偏小很多，我穿其他品牌一直都是这个尺码。可以换大一码吗？吊牌还没拆。",
            reply="{name}您好：\n\n当然可以！我已为您创建退货单 {rma}，预付运费的退货标签在附件中。包裹一经扫描，我们就免费给您寄出大一码的商品。\n\n祝好，\n{agent}",
            followup="今天已经在邮局寄回了。新尺码什么时候发货？",
        ),
        "arrived_broken": Conversation(
            subject="收到的商品是坏的",
            message="今天收到“{item}”，但是已经坏了，外箱有一侧完全被压扁。这是准备送人的礼物，太失望了。请给我退款。",
            reply="{name}您好：\n\n非常抱歉。麻烦您拍一张商品和外箱（包括快递面单）的照片发给我们，我们会马上为您办理退款，商品不需要寄回。\n\n祝好，\n{agent}",
            followup="照片在附件里，可以看到箱子的凹痕和裂开的地方。",
        ),
        "customs_fee": Conversation(
            subject="收货时被收了关税",
            message="快递员说要先交进口关税和清关手续费才肯给我包裹。你们网站上写的是包税！这笔钱请退给我。",
            reply="{name}您好：\n\n您说得对，寄往您所在国家的订单本应包税，非常抱歉。请把{carrier}的收据拍照发给我，我们会全额报销这笔费用。\n\n祝好，\n{agent}",
            followup="快递公司的收据在附件里，谢谢处理。",
        ),
        "want_refund": Conversation(
            subject="取消订单并退款",
            message="你好，我昨天不小心重复下单了（订单号 {order}）。麻烦取消这个订单并给我退款，谢谢！",
            reply="{name}您好：\n\n没问题，订单{order}还没有出库。我已经为您取消订单，并申请了 {amount} 的全额退款，一般3–5个工作日到账。\n\n祝好，\n{agent}",
            followup="太好了，谢谢！退款完成后会发邮件通知我吗？",
        ),
        "not_as_described": Conversation(
            subject="商品与描述不符",
            message="收到的“{item}”和图片完全不一样，颜色深很多，材质摸起来也很廉价。我要退货。",
            reply="{name}您好：\n\n很抱歉商品没有达到您的预期。我已为您创建退货单 {rma}，请使用附件中的退货标签寄回。仓库收到后，我们会全额退款。\n\n祝好，\n{agent}",
            followup="今天已经用你们的标签寄回了。",
        ),
        "late": Conversation(
            subject="订单延误，我周五就要出发了",
            message="我付了加急运费，结果订单已经晚了四天。我周五要去徒步，“{item}”就是专门为这次旅行买的。到底能不能按时到？",
            reply="{name}您好：\n\n非常理解您的着急。{carrier}确认包裹（{tracking}）已经离开转运中心，预计两天内送达。如果赶不上您的行程，我们可以免费退货。\n\n祝好，\n{agent}",
            followup="昨天到了，刚好赶上。谢谢！",
        ),
        "changed_mind": Conversation(
            subject="申请退货",
            message="你好，我想退回“{item}”。商品没有问题，只是我不需要了。全新未使用，原包装完好。",
            reply="{name}您好：\n\n没问题，您在{days}天退货期内。您的退货编号是 {rma}，请写在包裹上。因个人原因退货，退回运费需要您自行承担。\n\n祝好，\n{agent}",
            followup="今天已经寄出了。",
        ),
        "chargeback": Conversation(
            subject="一直没收到货，我要申请拒付",
            message="我已经等了三个星期还没收到货，物流一直显示“派送异常”。如果周五前还不退款，我就向信用卡公司申请拒付。",
            reply="{name}您好：\n\n真的非常抱歉。您不需要申请拒付：我已经向{carrier}提交了运单 {tracking} 的调查。如果48小时内找不到包裹，我们会全额退款。\n\n祝好，\n{agent}",
            followup="好吧，我等到周五。但到时候我希望收到退款。",
        ),
        "exchange_colour": Conversation(
            subject="可以换颜色吗？",
            message="你好！我很喜欢“{item}”，但是颜色不太适合我。可以换成同尺码的另一个颜色吗？",
            reply="{name}您好：\n\n很乐意为您处理！另一个颜色已经为您预留。请在包裹上注明退货编号 {rma} 寄回，我们收到后立即寄出换货。\n\n祝好，\n{agent}",
            followup="刚刚寄出了，很期待新颜色！",
        ),
        "reship": Conversation(
            subject="包裹被退回发件人了？",
            message="物流显示我的包裹被退回给发件人了，我从来没收到过派送通知。可以再寄一次吗？地址没有变。",
            reply="{name}您好：\n\n非常抱歉，快递面单上漏写了门牌号，承运商把包裹退回了。我已经更正地址，今天重新寄出，新的运单号会通过邮件发给您。\n\n祝好，\n{agent}",
            followup="今天收到了，非常感谢！",
        ),
        "defect": Conversation(
            subject="“{item}”坏了",
            message="我买的“{item}”用了两个星期就充不进电了。换了好几根线和充电头都不行。请给我退款或者换新。",
            reply="{name}您好：\n\n这种情况确实不应该发生。我已为您创建退货单 {rma} 并附上预付运费的标签。质检确认后，我们会全额退款。\n\n祝好，\n{agent}",
            followup="今天早上已经寄回了。",
        ),
        "scratched": Conversation(
            subject="新商品上有划痕",
            message="收到的“{item}”正面有一道很明显的划痕。虽然能用，但我付的是全新的价钱。你们打算怎么处理？",
            reply="{name}您好：\n\n非常抱歉！如果您愿意留下商品，我们可以就外观瑕疵给您部分退款；或者您也可以退货，我们全额退款。请告诉我您的选择。\n\n祝好，\n{agent}",
            followup="我留下吧，部分退款就可以，谢谢。",
        ),
        "invoice": Conversation(
            subject="订单{order}的发票",
            message="你好，可以给我开一张订单{order}的增值税发票吗？公司报销需要。",
            reply="{name}您好：\n\n好的，订单{order}的发票已作为PDF附在邮件中。\n\n祝好，\n{agent}",
            followup="谢谢，不过发票上缺少公司名称，能加上“山行户外用品有限公司”吗？",
        ),
        "delivered_not_received": Conversation(
            subject="显示已签收但我没收到",
            message="运单 {tracking} 显示昨天已签收，但是门口、邻居家、信箱里都没有。现在怎么办？",
            reply="{name}您好：\n\n让您担心了，非常抱歉。{carrier}有时会提前显示签收，或者把包裹放在代收点。麻烦您再在楼里找一找好吗？同时我已经向承运商提交了调查。\n\n祝好，\n{agent}",
            followup="找到了！在楼下的快递柜里。不好意思麻烦你们了。",
        ),
        "multi_issue": Conversation(
            subject="订单{order}：晚到十天、少了一件商品、另一件颜色发错、外箱还被水泡湿了，请尽快给我回电话",
            message="说实话，这是我遇到过最糟糕的一次购物。晚到十天，箱子是湿的，一件商品没收到，另一件颜色还发错了。请给我打电话，我想电话里解决。",
            reply="{name}您好：\n\n非常抱歉，这绝不是我们希望给您的购物体验。我正在逐一核实这三个问题。麻烦您把装箱单和收到的商品拍照发给我好吗？我今天会给您回电话。\n\n祝好，\n{agent}",
            followup="照片已附上。下午五点以后打电话比较方便。",
        ),
    },
)
