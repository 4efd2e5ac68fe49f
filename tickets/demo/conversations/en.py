"""English demo conversations."""

from . import Conversation, LanguagePack

PACK = LanguagePack(
    code="en",
    name_style="given",
    closing="Thanks for letting us know, {name}! Everything is sorted on our side now. If anything else comes up, just reply to this message.\n\nBest,\n{agent}",
    texts={
        "wismo": Conversation(
            subject="Where is my order {order}?",
            message="Hi, I ordered over a week ago and the tracking hasn't moved in five days. Can you tell me where my parcel actually is? I need it before the weekend.",
            reply="Hi {name},\n\nSorry for the wait! Your parcel is with {carrier} (tracking {tracking}) and seems to be stuck at a sorting hub. I've opened a trace with them and will update you as soon as I hear back.\n\nBest,\n{agent}",
            followup="It just arrived this morning, thanks for chasing it!",
        ),
        "wrong_size": Conversation(
            subject="Wrong size - need to swap",
            message="Hello, the {item} fits way too small, I normally wear this size in every other brand. Can I exchange it for one size up? The tags are still on.",
            reply="Hi {name},\n\nOf course! I've set up return {rma} for you; the prepaid label is attached. As soon as the parcel is scanned we'll ship the next size up, no extra charge.\n\nBest,\n{agent}",
            followup="Dropped the parcel off at the post office today. When will the new size ship?",
        ),
        "arrived_broken": Conversation(
            subject="Item arrived broken",
            message="My {item} arrived today and it's broken. The box was completely crushed on one side. This was supposed to be a gift, I'm really disappointed. I'd like a refund please.",
            reply="Hi {name},\n\nI'm so sorry about this. Could you send us a photo of the item and of the outer box, including the shipping label? Then I'll arrange the refund straight away - you won't need to send anything back.\n\nBest,\n{agent}",
            followup="Photos attached. You can see the dent in the box and the cracked part.",
        ),
        "customs_fee": Conversation(
            subject="Why did I have to pay customs?",
            message="The courier made me pay an import fee before they would hand over my parcel. Your website said duties were included! I want that money back.",
            reply="Hi {name},\n\nYou're right, duties should have been included for your country - I'm sorry. Please send me a photo of the receipt from {carrier} and we'll reimburse the full fee.\n\nBest,\n{agent}",
            followup="Here's the receipt from the courier. Thanks for sorting this out.",
        ),
        "want_refund": Conversation(
            subject="Cancel order and refund please",
            message="Hi, I placed order {order} yesterday by mistake (ordered the same thing twice). Please cancel it and refund me. Thanks!",
            reply="Hi {name},\n\nNo problem - order {order} hasn't left our warehouse yet, so I've cancelled it and requested a full refund of {amount}. It usually shows up on your statement within 3-5 business days.\n\nBest,\n{agent}",
            followup="Great, thanks! Will I get an email when the refund goes through?",
        ),
        "not_as_described": Conversation(
            subject="Not what the listing showed",
            message="The {item} looks nothing like the photos. The colour is much darker and the material feels cheap, not like the description at all. I want to return it.",
            reply="Hi {name},\n\nI'm sorry it isn't what you expected. I've created return {rma}; please use the attached label. Once the item reaches our warehouse we'll refund you in full.\n\nBest,\n{agent}",
            followup="Sent it back today with your label.",
        ),
        "late": Conversation(
            subject="Order still not here - leaving on a trip Friday",
            message="I paid for express shipping and my order is now 4 days late. I'm leaving for a hiking trip on Friday and bought the {item} specifically for it. Is it going to arrive or not?",
            reply="Hi {name},\n\nI completely understand the urgency. {carrier} confirmed the parcel ({tracking}) is out of the hub again and expected to reach you within 2 days. If it misses your trip, we'll take it back free of charge.\n\nBest,\n{agent}",
            followup="It came yesterday, just in time. Thanks for checking!",
        ),
        "changed_mind": Conversation(
            subject="Return request",
            message="Hi, I'd like to return the {item}. Nothing wrong with it, I just don't need it anymore. It's unused and in the original packaging.",
            reply="Hi {name},\n\nNo problem, you're well within our {days}-day return window. Your return number is {rma}; please write it on the parcel. Return postage is on you for change-of-mind returns.\n\nBest,\n{agent}",
            followup="Sent it back today. Tracking is on the receipt if you need it.",
        ),
        "chargeback": Conversation(
            subject="Never received my order - filing a chargeback",
            message="I've waited three weeks and never got my order. Tracking just says 'exception'. If I don't get a refund by Friday I will file a chargeback with my bank.",
            reply="Hi {name},\n\nI'm really sorry. There's no need for a chargeback - I've opened an investigation with {carrier} ({tracking}). If they can't locate the parcel within 48 hours, we'll refund you in full.\n\nBest,\n{agent}",
            followup="OK, I'll wait until Friday. But I expect the money by then.",
        ),
        "exchange_colour": Conversation(
            subject="Exchange for a different colour?",
            message="Hi! I love the {item} but the colour doesn't really suit me. Could I swap it for the other colour in the same size?",
            reply="Hi {name},\n\nHappy to help! I've reserved the other colour for you. Please send the original back with return number {rma} on the parcel and we'll ship the exchange as soon as it arrives.\n\nBest,\n{agent}",
            followup="Just posted it. Looking forward to the new one!",
        ),
        "reship": Conversation(
            subject="Parcel returned to sender??",
            message="Tracking says my parcel was returned to sender. I never got a delivery attempt notice. Can you please send it again? My address is the same.",
            reply="Hi {name},\n\nSorry about that - the carrier returned it because the flat number was missing from the label. I've corrected the address and we're reshipping today; you'll get the new tracking number by email.\n\nBest,\n{agent}",
            followup="Got it today, thank you!",
        ),
        "defect": Conversation(
            subject="{item} stopped working",
            message="The {item} stopped charging after two weeks. I've tried different cables and plugs, nothing. I'd like a refund or replacement.",
            reply="Hi {name},\n\nSorry to hear that, it definitely shouldn't happen. I've created return {rma} with a prepaid label. Once our team has checked it, we'll refund you in full.\n\nBest,\n{agent}",
            followup="Sent it back this morning.",
        ),
        "scratched": Conversation(
            subject="Scratch on new {item}",
            message="The {item} arrived with a big scratch on the front. It still works, but I paid for a new one. What can you do?",
            reply="Hi {name},\n\nSorry about that! If you'd like to keep it, we can offer a partial refund for the cosmetic damage. Otherwise you can return it for a full refund. Just let me know which you prefer.\n\nBest,\n{agent}",
            followup="I'll keep it with the partial refund, thanks.",
        ),
        "invoice": Conversation(
            subject="Invoice for order {order}",
            message="Hello, could you send me a proper invoice with VAT for order {order}? I need it for my company's expenses.",
            reply="Hi {name},\n\nOf course - the invoice for order {order} is attached as a PDF.\n\nBest,\n{agent}",
            followup="Thanks, but the company name is missing. Could you add 'Northwind Trails Ltd'?",
        ),
        "delivered_not_received": Conversation(
            subject="Says delivered but nothing here",
            message="Tracking for {tracking} says delivered yesterday but there is nothing at my door, with the neighbours or in the mailbox. What now?",
            reply="Hi {name},\n\nSorry for the worry. Sometimes {carrier} marks parcels as delivered a day early, or leaves them in a safe place. Could you check around the building once more? Meanwhile I've opened a trace with the carrier.\n\nBest,\n{agent}",
            followup="Found it! The neighbour two doors down had it. Sorry for the trouble.",
        ),
        "multi_issue": Conversation(
            subject="Order {order} arrived 10 days late, one item missing, wrong colour on the other and the box was soaking wet - please call me back as soon as possible",
            message="Honestly this is the worst order experience I've had. The parcel was 10 days late, the box was wet, one of the items is missing entirely and the other is the wrong colour. Please call me, I'd rather sort this out on the phone.",
            reply="Hi {name},\n\nI'm very sorry - that's not the experience we want anyone to have. I'm looking into all three issues now. Could you send a photo of the packing slip and the item you received? I'll call you back today.\n\nBest,\n{agent}",
            followup="Photo attached. Best to call after 5 pm.",
        ),
    },
)
