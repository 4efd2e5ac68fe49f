"""The default keyword sets: the words buyers really use, in every language we serve.

Plain data, read by ``defaults.py`` (which installs them through the data migration
``0017_default_triage``); once installed they are ordinary keyword sets supervisors edit.

Match modes: ``word`` (whole word or phrase) for most of English and the Romance languages, with
``prefix`` (word start) where a stem covers the inflections ("rembours" → rembourser,
remboursement, remboursé) and for the compounding languages (German "Rückerstattungsantrag",
Dutch "retourzending", Swedish "returfrakt"); ``substring`` for Chinese, Japanese, Korean and
Thai, which do not separate words by spaces and attach particles to them.

Each set is general vocabulary: inflections, the spellings buyers type without accents or
umlauts ("ruckerstattung", "rueckerstattung", "devolucion"), no message's own phrase.
"""

from __future__ import annotations

W, P, S = "word", "prefix", "substring"

# name → (label, description, {lang: {mode: [texts]}})
_SETS: dict[str, tuple[str, str, dict[str, dict[str, list[str]]]]] = {}


def _set(name: str, label: str, description: str, words: dict[str, dict[str, list[str]]]) -> None:
    _SETS[name] = (label, description, words)


_set(
    "refund_words",
    "Refund",
    "The buyer wants money back.",
    {
        "en": {
            W: ["money back", "my money", "pay me back", "paid back", "credit my card", "reverse the payment"],
            P: ["refund", "reimburs", "repay"],
        },
        "de": {
            W: ["geld zurück", "geld zuruck", "geld zurueck", "mein geld", "das geld", "gutschrift", "erstattet"],
            P: [
                "rückerstatt",
                "ruckerstatt",
                "rueckerstatt",
                "zurückerstatt",
                "zuruckerstatt",
                "zurueckerstatt",
                "erstatt",
                "rückzahl",
                "ruckzahl",
                "rueckzahl",
                "zurückzahl",
                "zuruckzahl",
                "zurueckzahl",
                "zurückbezahl",
                "geldrück",
                "geldzurück",
            ],
        },
        "fr": {
            W: ["mon argent", "récupérer mon argent", "recuperer mon argent", "être remboursé", "etre rembourse"],
            P: ["rembours", "rembourc"],
        },
        "es": {
            W: [
                "mi dinero",
                "el dinero",
                "devolución del dinero",
                "devolucion del dinero",
                "devolución de mi dinero",
                "devolucion de mi dinero",
                "devuelvan el dinero",
                "devuelvan mi dinero",
                "devolverme el dinero",
            ],
            P: ["reembols", "rembols", "reintegr"],
        },
        "it": {
            W: ["i miei soldi", "i soldi", "soldi indietro", "restituzione dei soldi", "riavere i soldi", "il denaro"],
            P: ["rimbors", "rimbosr"],
        },
        "pt": {
            W: [
                "meu dinheiro",
                "o dinheiro",
                "dinheiro de volta",
                "devolução do dinheiro",
                "devolucao do dinheiro",
                "devolvam o dinheiro",
                "devolver o dinheiro",
            ],
            P: ["reembols", "estorn", "ressarc"],
        },
        "nl": {
            W: ["geld terug", "mijn geld", "het geld", "restitutie"],
            P: ["terugbetal", "terugstort", "geld teruggestort", "crediter"],
        },
        "pl": {
            W: ["moje pieniądze", "moje pieniadze", "pieniądze", "pieniadze", "zwrot kasy"],
            P: [
                "zwrot pieniędzy",
                "zwrot pieniedzy",
                "zwrotu pieniędzy",
                "zwrotu pieniedzy",
                "zwrot środków",
                "zwrot srodkow",
                "zwrotu środków",
                "zwrotu srodkow",
                "zwrócić pieniądze",
                "zwrocic pieniadze",
                "zwróćcie pieniądze",
                "zwroccie pieniadze",
                "oddać pieniądze",
                "oddac pieniadze",
                "refundac",
            ],
        },
        "sv": {
            W: ["pengarna tillbaka", "pengar tillbaka", "mina pengar", "pengarna"],
            P: ["återbetal", "aterbetal", "återbetalt", "krediter"],
        },
        "ja": {S: ["返金", "払い戻", "払戻", "返して欲しい", "お金を返", "代金を返"]},
        "zh": {S: ["退款", "退钱", "退錢", "返款", "退费", "退費", "退回款", "把钱退", "退还货款", "退還貨款", "钱退给", "退回我的钱"]},
        "ko": {S: ["환불", "돈을 돌려", "돈 돌려", "결제 취소", "환급"]},
        "th": {S: ["คืนเงิน", "เงินคืน", "โอนเงินคืน"]},
    },
)

_set(
    "return_words",
    "Return",
    "The buyer wants to send the item back.",
    {
        "en": {
            W: [
                "send it back",
                "send them back",
                "send back",
                "sending it back",
                "sending them back",
                "sent it back",
                "sent them back",
                "ship it back",
                "ship them back",
                "mail it back",
                "post it back",
                "take it back",
                "take them back",
                "give it back",
                "rma",
                "return label",
                "returns label",
            ],
            P: ["return"],
        },
        "de": {
            W: ["retoure", "retour", "zurück geben", "zurück senden", "zurück schicken"],
            P: [
                "rücksend",
                "rucksend",
                "ruecksend",
                "zurücksend",
                "zurucksend",
                "zuruecksend",
                "zurückschick",
                "zuruckschick",
                "zurueckschick",
                "zurückgeschick",
                "zuruckgeschick",
                "zurueckgeschick",
                "zurückgesend",
                "zurückgeb",
                "zuruckgeb",
                "zurueckgeb",
                "zurückgegeb",
                "rückgabe",
                "ruckgabe",
                "rueckgabe",
                "retour",
                "rücksch",
                "ruecksch",
                "zurückgeh",
            ],
        },
        "fr": {
            W: ["rendre l'article", "rendre le produit", "le rendre", "la rendre", "les rendre", "reprendre"],
            P: ["retour", "retourn", "renvoyer", "renvoi", "renvoie", "renverr"],
        },
        "es": {
            W: ["regresar el producto", "mandarlo de vuelta", "enviarlo de vuelta"],
            P: ["devolver", "devolvi", "devuelv", "devoluci", "devolucion", "retorn"],
        },
        "it": {
            W: ["reso", "resi", "fare il reso", "rimandarlo", "rimandarla", "rimandarli", "rimandare indietro"],
            P: ["restitui", "restituz", "restituisc", "rispedirlo", "rispedirla", "rispedirli", "rispedire indietro"],
        },
        "pt": {
            W: ["mandar de volta", "enviar de volta", "mandá-lo de volta", "manda-lo de volta"],
            P: ["devolv", "devoluç", "devoluc", "retorn"],
        },
        "nl": {
            W: ["terug sturen", "terug te sturen", "terug zenden", "terug brengen"],
            P: ["retour", "terugstur", "terugzend", "teruggestuurd", "terugbreng", "teruggebracht", "terug gestuurd"],
        },
        "pl": {
            W: ["zwrot", "zwrotu", "zwrócić", "zwrocic", "zwrócę", "zwroce"],
            P: ["zwrot", "zwróc", "zwroc", "odesła", "odesla", "odeśl", "odesl", "odsył", "odsyl", "odeślę"],
        },
        "sv": {
            W: ["skicka tillbaka", "skickar tillbaka", "skickat tillbaka", "lämna tillbaka", "lamna tillbaka"],
            P: ["retur", "returnera"],
        },
        "ja": {S: ["返品", "返送", "送り返", "返却", "送り戻"]},
        "zh": {S: ["退货", "退貨", "退回", "寄回", "退还", "退還", "寄还", "退换", "退換"]},
        "ko": {S: ["반품", "반송", "돌려보내", "되돌려 보내"]},
        "th": {S: ["คืนสินค้า", "ส่งคืน", "ส่งกลับ", "ขอคืนของ", "การคืน"]},
    },
)

_set(
    "exchange_words",
    "Exchange",
    "The buyer wants another size, colour or item in place of this one.",
    {
        "en": {
            W: [
                "swap",
                "swapped",
                "swapping",
                "another size",
                "different size",
                "other size",
                "bigger size",
                "smaller size",
                "larger size",
                "size up",
                "size down",
                "another colour",
                "another color",
                "different colour",
                "different color",
                "other colour",
                "other color",
                "change it for",
                "change them for",
                "change the size",
                "change the colour",
                "change the color",
                "trade it for",
                "switch it for",
                "instead",
            ],
            P: ["exchang", "exhang"],
        },
        "de": {
            W: ["eine nummer größer", "eine nummer grösser", "eine nummer kleiner", "andere größe", "andere grösse"],
            P: ["umtausch", "umzutausch", "umgetausch", "tausch", "austausch", "eintausch", "andere farbe", "stattdessen"],
        },
        "fr": {
            W: [
                "une autre taille",
                "autre taille",
                "taille au-dessus",
                "taille en dessous",
                "une taille plus",
                "une autre couleur",
                "autre couleur",
                "à la place",
                "a la place",
                "changer pour",
                "changer la taille",
                "changer de taille",
            ],
            P: ["échang", "echang"],
        },
        "es": {
            W: [
                "otra talla",
                "talla más",
                "talla mas",
                "otro color",
                "cambio de talla",
                "cambio por",
                "en su lugar",
                "cambiarlo",
                "cambiarla",
                "cambiarlos",
                "cambiarlas",
            ],
            P: ["cambiar", "intercambi", "canje"],
        },
        "it": {
            W: ["un'altra taglia", "altra taglia", "taglia più", "taglia piu", "un altro colore", "altro colore", "invece"],
            P: ["cambiar", "cambio taglia", "cambio di taglia", "cambio colore", "sostituirl", "scambi"],
        },
        "pt": {
            W: ["outro tamanho", "tamanho maior", "tamanho menor", "outra cor", "em vez"],
            P: ["troca", "trocar", "troque", "trocad"],
        },
        "nl": {
            W: ["andere maat", "maatje groter", "maatje kleiner", "maat groter", "maat kleiner", "andere kleur"],
            P: ["ruil", "omruil", "verwissel", "omwissel"],
        },
        "pl": {
            W: ["inny rozmiar", "większy rozmiar", "wiekszy rozmiar", "mniejszy rozmiar", "inny kolor", "zamiast"],
            P: ["wymian", "wymien", "wymień", "wymieni", "zamian", "zamieni"],
        },
        "sv": {
            W: ["annan storlek", "större storlek", "storre storlek", "mindre storlek", "annan färg", "annan farg"],
            P: ["byta", "byte", "byt ", "bytt", "utbyt", "istället", "istallet"],
        },
        "ja": {S: ["交換", "取り替え", "取替", "取り換え", "別のサイズ", "サイズ変更", "色違い", "別の色"]},
        "zh": {S: ["换货", "換貨", "调换", "調換", "换成", "換成", "换一", "換一", "换个", "換個", "换尺码", "換尺碼", "换大", "换小", "换码", "更换", "更換"]},
        "ko": {S: ["교환", "사이즈 변경", "다른 사이즈", "다른 색상", "바꿔", "바꾸고"]},
        "th": {S: ["เปลี่ยนสินค้า", "เปลี่ยนไซส์", "เปลี่ยนขนาด", "ขอเปลี่ยน", "แลกเปลี่ยน", "เปลี่ยนสี", "เปลี่ยนเป็น"]},
    },
)

_set(
    "reship_words",
    "Reship or replacement",
    "The buyer wants the order sent again (lost or damaged).",
    {
        "en": {
            W: [
                "send another",
                "send me another",
                "send a new one",
                "send me a new one",
                "send a replacement",
                "new one",
                "ship another",
                "ship it again",
                "send it again",
                "send them again",
                "another one",
                "re-send",
                "re-ship",
                "send out another",
            ],
            P: ["reship", "resend", "replacement", "replace"],
        },
        "de": {
            W: ["neu senden", "neu schicken", "neu verschicken", "neues paket", "neue lieferung", "ein neues", "einen neuen", "eine neue"],
            P: [
                "ersatz",
                "nochmal schick",
                "nochmal send",
                "nochmals schick",
                "nochmals send",
                "noch einmal schick",
                "noch einmal send",
                "erneut send",
                "erneut schick",
                "erneut zusend",
                "erneut versend",
                "nachliefer",
                "neu zusend",
            ],
        },
        "fr": {
            W: ["nouvel envoi", "un nouveau colis", "en envoyer un autre", "envoyer un autre", "un nouvel article", "un nouveau", "une nouvelle", "renvoyer un nouveau", "renvoyer une nouvelle"],
            P: ["réexpédi", "reexpedi", "remplac", "renvoyer la commande", "renvoyer le colis"],
        },
        "es": {
            W: ["volver a enviar", "enviar otro", "envíen otro", "envien otro", "enviarme otro", "uno nuevo", "una nueva", "nuevo envío", "nuevo envio", "mandar otro", "manden otro"],
            P: ["reenví", "reenvi", "reemplaz", "sustitu", "reposici"],
        },
        "it": {
            W: ["nuovo invio", "inviare di nuovo", "spedire di nuovo", "spedirlo di nuovo", "spedirla di nuovo", "uno nuovo", "una nuova", "mandarne un altro", "inviarne un altro"],
            P: ["rispedi", "reinvi", "sostituz", "sostitui", "sostitut"],
        },
        "pt": {
            W: ["enviar outro", "mandar outro", "um novo", "uma nova", "enviar novamente", "enviar de novo", "nova remessa", "novo envio"],
            P: ["reenvi", "substitu", "reposiç", "reposic"],
        },
        "nl": {
            W: ["nieuwe sturen", "nieuw exemplaar", "nieuwe zending", "een nieuwe", "nogmaals sturen", "opnieuw sturen"],
            P: ["opnieuw verzend", "opnieuw verstuur", "opnieuw stur", "vervang", "nalever", "nieuw sturen"],
        },
        "pl": {
            W: ["nową paczkę", "nowa paczka", "nowy egzemplarz", "nowy produkt", "jeszcze raz", "ponownie"],
            P: ["ponowna wysyłk", "ponowna wysylk", "ponownie wysł", "ponownie wysl", "ponowne wysłan", "ponowne wyslan", "wysłać nowy", "wyslac nowy", "wyślijcie nowy", "wyslijcie nowy", "wysłać ponownie", "wyslac ponownie", "zastępcz", "zastepcz"],
        },
        "sv": {
            W: ["skicka en ny", "skicka ny", "skicka igen", "skicka om", "ny vara", "nytt paket", "en ny", "ett nytt"],
            P: ["ersättningsvar", "ersattningsvar", "ersättningsprodukt", "ersattningsprodukt", "nyleverans", "skicka ut en ny"],
        },
        "ja": {S: ["再送", "再発送", "代替品", "代品", "新しいもの", "新品を送", "もう一度送", "送り直", "交換品"]},
        "zh": {S: ["补发", "補發", "重发", "重發", "重新发", "重新發", "重新寄", "再发", "再發", "再寄", "寄一个新", "发一个新", "換新", "换新", "新的一个", "新的一件", "重新发货"]},
        "ko": {S: ["재발송", "재배송", "다시 보내", "새 제품", "새로 보내", "대체품", "새것으로", "새 상품"]},
        "th": {S: ["ส่งใหม่", "ส่งอีกครั้ง", "ส่งสินค้าใหม่", "ส่งมาใหม่", "ส่งของใหม่", "ชิ้นใหม่"]},
    },
)

_set(
    "partial_refund_words",
    "Keep it with a partial refund",
    "The buyer would keep the item for a partial refund or a discount.",
    {
        "en": {
            W: [
                "partial refund",
                "part refund",
                "partial credit",
                "keep it",
                "keep them",
                "keep the item",
                "keep the product",
                "keep the",
                "discount",
                "price reduction",
                "reduced price",
                "reduce the price",
                "money off",
                "some money back",
                "part of the money",
                "part of my money",
                "goodwill",
            ],
            P: ["compensat", "partially refund"],
        },
        "de": {
            W: ["behalten", "behalte", "behalten würde", "nachlass", "rabatt", "kulanz", "teilbetrag", "teil des geldes"],
            P: ["teilerstatt", "teilrückerstatt", "teilruckerstatt", "teilweise erstatt", "teilweise rückerstatt", "teilgutschrift", "preisnachlass", "preisminderung", "kaufpreisminderung", "minderung", "entschädig", "entschadig", "kulanz"],
        },
        "fr": {
            W: ["remboursement partiel", "rembourser partiellement", "je garde", "le garder", "la garder", "les garder", "garder l'article", "garder le produit", "réduction", "reduction", "remise", "geste commercial", "rabais"],
            P: ["dédommag", "dedommag", "compensat", "partiellement rembours"],
        },
        "es": {
            W: ["reembolso parcial", "quedarme con", "quedármelo", "quedarmelo", "quedármela", "quedarmela", "me lo quedo", "me la quedo", "me los quedo", "descuento", "rebaja", "parte del dinero"],
            P: ["compensaci", "reembolsar parte", "reembolso de una parte"],
        },
        "it": {
            W: ["rimborso parziale", "tenerlo", "tenerla", "tenerli", "lo tengo", "la tengo", "tenermelo", "tenermela", "sconto", "riduzione del prezzo", "parte dei soldi", "abbuono"],
            P: ["compensazion", "rimborsare parzialmente", "risarciment"],
        },
        "pt": {
            W: ["reembolso parcial", "ficar com", "fico com", "ficar com ele", "ficar com ela", "desconto", "abatimento", "parte do dinheiro"],
            P: ["compensaç", "compensac", "reembolsar parcialmente"],
        },
        "nl": {
            W: ["houden", "behouden", "korting", "deel terug", "deel van het geld", "gedeeltelijke terugbetaling", "gedeeltelijk terugbetalen"],
            P: ["compensat", "tegemoetkom", "prijsvermindering", "gedeeltelijke restitutie", "deelrestitutie"],
        },
        "pl": {
            W: ["zatrzymać", "zatrzymac", "zatrzymam", "zatrzymałbym", "zatrzymalbym", "zatrzymałabym", "zatrzymalabym", "rabat", "upust", "częściowy zwrot", "czesciowy zwrot", "część pieniędzy", "czesc pieniedzy"],
            P: ["obniżk", "obnizk", "obniżen", "obnizen", "rekompensat", "częściowego zwrotu", "czesciowego zwrotu"],
        },
        "sv": {
            W: ["behålla", "behalla", "behåller", "behaller", "rabatt", "prisavdrag", "avdrag", "delvis återbetalning", "delvis aterbetalning", "del av pengarna"],
            P: ["kompensation", "prisnedsättning", "prisnedsattning", "delåterbetal", "delaterbetal"],
        },
        "ja": {S: ["一部返金", "部分返金", "一部を返金", "値引", "割引", "減額", "手元に残", "そのまま使", "そのまま使用", "補償"]},
        "zh": {S: ["部分退款", "退部分", "部分退", "退一部分", "折扣", "打折", "补偿", "補償", "保留商品", "不退货", "不退貨", "留下", "退差价", "退點錢", "退点钱", "优惠"]},
        "ko": {S: ["부분 환불", "부분환불", "일부 환불", "일부환불", "할인", "보상", "그냥 쓸", "그냥 사용", "가지고 있"]},
        "th": {S: ["คืนเงินบางส่วน", "ส่วนลด", "ชดเชย", "เก็บไว้ใช้", "เก็บสินค้าไว้", "ลดราคา"]},
    },
)

_set(
    "tracking_words",
    "Where is my order",
    "The buyer asks where the order is or when it comes.",
    {
        "en": {
            W: [
                "where is my order",
                "where is my parcel",
                "where is my package",
                "where is my item",
                "where is my delivery",
                "where's my",
                "wheres my",
                "where is it",
                "status of my order",
                "order status",
                "shipping status",
                "delivery status",
                "has it shipped",
                "has it been shipped",
                "been shipped",
                "when will it arrive",
                "when will it ship",
                "when will i get",
                "when will i receive",
                "when will my",
                "when can i expect",
                "update on my order",
                "any update",
                "any news",
                "delivery date",
                "estimated delivery",
                "expected delivery",
                "label created",
                "not shipped",
                "hasn't shipped",
                "has not shipped",
            ],
            P: ["track", "dispatch"],
        },
        "de": {
            W: ["wo ist meine", "wo ist mein", "wo bleibt", "wo steckt", "wann kommt", "wann wird", "wann erhalte", "wann bekomme", "wann kann ich", "status meiner bestellung", "stand meiner bestellung", "schon verschickt", "schon versendet", "noch nicht verschickt", "noch nicht versendet"],
            P: ["sendungsverfolg", "sendungsnummer", "trackingnummer", "tracking", "lieferstatus", "versandstatus", "bestellstatus", "paketverfolg", "liefertermin", "zustelltermin", "versandbestätigung", "versandbestatigung"],
        },
        "fr": {
            W: ["où est ma commande", "ou est ma commande", "où est mon colis", "ou est mon colis", "où en est", "ou en est", "quand vais-je recevoir", "quand vais je recevoir", "quand est-ce que je vais", "quand arrivera", "quand sera", "statut de ma commande", "état de ma commande", "etat de ma commande", "date de livraison", "pas encore expédié", "pas encore expedie", "toujours pas expédié"],
            P: ["suivi", "numéro de suivi", "numero de suivi", "tracking", "expédi", "expedi"],
        },
        "es": {
            W: ["dónde está mi pedido", "donde esta mi pedido", "dónde está mi paquete", "donde esta mi paquete", "dónde está", "donde esta", "cuándo llega", "cuando llega", "cuándo llegará", "cuando llegara", "cuándo recibiré", "cuando recibire", "cuándo me llega", "cuando me llega", "estado de mi pedido", "estado del pedido", "estado del envío", "estado del envio", "fecha de entrega", "ha sido enviado", "no ha sido enviado"],
            P: ["seguimiento", "número de seguimiento", "numero de seguimiento", "tracking", "rastreo"],
        },
        "it": {
            W: ["dov'è il mio ordine", "dov'e il mio ordine", "dove è il mio ordine", "dove e il mio ordine", "dov'è il mio pacco", "dov'e il mio pacco", "dove si trova", "quando arriva", "quando arriverà", "quando arrivera", "quando riceverò", "quando ricevero", "stato dell'ordine", "stato del mio ordine", "stato della spedizione", "data di consegna", "è stato spedito", "e stato spedito", "non è ancora stato spedito"],
            P: ["tracciament", "tracking", "numero di spedizione", "codice di tracciabilità", "tracciabilit"],
        },
        "pt": {
            W: ["onde está o meu pedido", "onde esta o meu pedido", "onde está a minha encomenda", "onde esta a minha encomenda", "onde está", "onde esta", "quando chega", "quando vai chegar", "quando vou receber", "estado da encomenda", "estado do pedido", "status do pedido", "foi enviado", "foi enviada", "data de entrega"],
            P: ["rastreament", "rastreio", "código de rastreio", "codigo de rastreio", "tracking"],
        },
        "nl": {
            W: ["waar is mijn", "waar blijft", "wanneer komt", "wanneer wordt", "wanneer ontvang", "wanneer krijg", "status van mijn bestelling", "al verzonden", "nog niet verzonden", "track & trace", "track en trace", "leverdatum", "bezorgdatum"],
            P: ["trackingnummer", "track", "verzendstatus", "bestelstatus", "zendingsnummer"],
        },
        "pl": {
            W: ["gdzie jest moja", "gdzie jest mój", "gdzie jest moj", "gdzie moja paczka", "gdzie jest paczka", "kiedy dotrze", "kiedy przyjdzie", "kiedy otrzymam", "kiedy dostanę", "kiedy dostane", "status zamówienia", "status zamowienia", "status przesyłki", "status przesylki", "czy zostało wysłane", "czy zostalo wyslane", "czy paczka została wysłana"],
            P: ["śledzeni", "sledzeni", "numer przesyłki", "numer przesylki", "numer śledzenia", "numer sledzenia", "tracking", "numer paczki"],
        },
        "sv": {
            W: ["var är mitt paket", "var ar mitt paket", "var är min beställning", "var ar min bestallning", "var är min order", "var ar min order", "var är mina", "när kommer", "nar kommer", "när får jag", "nar far jag", "har den skickats", "skickats", "leveransdatum"],
            P: ["spårning", "sparning", "spåra", "kollinummer", "leveransstatus", "orderstatus", "tracking"],
        },
        "ja": {S: ["どこにあ", "荷物はどこ", "注文はどこ", "追跡", "配送状況", "発送状況", "配達状況", "いつ届", "いつ発送", "いつ頃届", "届く予定", "到着予定", "お問い合わせ番号", "問い合わせ番号", "発送されました", "発送済み", "まだ発送"]},
        "zh": {S: ["物流", "快递单号", "快遞單號", "运单号", "單號", "单号", "追踪", "跟踪", "查询订单", "订单状态", "訂單狀態", "什么时候到", "什麼時候到", "何时到", "什么时候发货", "什麼時候發貨", "发货了吗", "發貨了嗎", "到哪了", "到哪里了", "在哪里", "在哪裡", "还没发货", "還沒發貨"]},
        "ko": {S: ["배송 조회", "배송조회", "운송장", "송장번호", "송장 번호", "언제 도착", "언제 와", "언제 받을", "배송 상태", "배송상태", "주문 상태", "어디에 있", "어디쯤", "발송 되었", "발송되었", "발송 안", "배송 현황"]},
        "th": {S: ["อยู่ไหน", "อยู่ที่ไหน", "เลขพัสดุ", "ติดตามพัสดุ", "เลขติดตาม", "เมื่อไหร่จะได้", "จะได้รับเมื่อไหร่", "จะมาถึงเมื่อไหร่", "สถานะคำสั่งซื้อ", "สถานะพัสดุ", "ส่งหรือยัง", "จัดส่งหรือยัง"]},
    },
)

_set(
    "delay_words",
    "Late",
    "The order is late or the buyer has waited long.",
    {
        "en": {
            W: [
                "late",
                "overdue",
                "still not arrived",
                "still hasn't arrived",
                "still has not arrived",
                "still haven't received",
                "still have not received",
                "still not received",
                "still no sign",
                "not arrived yet",
                "hasn't arrived yet",
                "not here yet",
                "taking so long",
                "taking too long",
                "so long",
                "too long",
                "weeks ago",
                "still waiting",
                "been waiting",
                "waiting for weeks",
                "should have arrived",
                "should have been delivered",
                "past the delivery date",
                "missed the delivery date",
                "not moved",
                "hasn't moved",
                "has not moved",
                "no update",
                "stuck",
            ],
            P: ["delay"],
        },
        "de": {
            W: ["immer noch nicht", "noch immer nicht", "noch nicht angekommen", "noch nicht erhalten", "noch nicht da", "noch nicht geliefert", "warte seit", "warte schon", "warten seit", "seit wochen", "seit tagen", "so lange", "zu lange", "dauert so lange", "hängt fest", "hangt fest", "bewegt sich nicht"],
            P: ["verspät", "verspat", "verspaet", "verzöger", "verzoger", "verzoeger", "lieferverzug", "überfällig", "uberfallig", "ueberfaellig", "lieferverzöger"],
        },
        "fr": {
            W: ["toujours pas reçu", "toujours pas recu", "toujours pas arrivé", "toujours pas arrive", "toujours rien", "pas encore reçu", "pas encore recu", "pas encore arrivé", "pas encore arrive", "j'attends", "attends depuis", "depuis des semaines", "depuis plusieurs semaines", "trop long", "si long", "bloqué", "bloque"],
            P: ["retard", "délai", "delai"],
        },
        "es": {
            W: ["todavía no", "todavia no", "aún no", "aun no", "sigo esperando", "sigue sin llegar", "llevo esperando", "semanas esperando", "hace semanas", "desde hace", "llega tarde", "muy tarde", "tanto tiempo", "atascado", "parado"],
            P: ["retras", "demor", "tardan", "tardand"],
        },
        "it": {
            W: ["ancora non", "non ancora", "ancora nessun", "ancora niente", "sto aspettando", "aspetto da", "da settimane", "da giorni", "in ritardo", "troppo tempo", "così tanto", "cosi tanto", "bloccat", "fermo"],
            P: ["ritard"],
        },
        "pt": {
            W: ["ainda não", "ainda nao", "estou esperando", "estou à espera", "estou a espera", "há semanas", "ha semanas", "há dias", "ha dias", "tanto tempo", "parado", "parada"],
            P: ["atraso", "atrasad", "demor"],
        },
        "nl": {
            W: ["te laat", "nog steeds niet", "nog altijd niet", "nog niet ontvangen", "nog niet binnen", "nog niet aangekomen", "nog niet geleverd", "wacht al", "al weken", "al dagen", "lang onderweg", "zo lang", "te lang"],
            P: ["vertraag", "vertraging"],
        },
        "pl": {
            W: ["nadal nie", "wciąż nie", "wciaz nie", "jeszcze nie", "czekam od", "czekam już", "czekam juz", "od tygodni", "od tygodnia", "tak długo", "tak dlugo", "za długo", "za dlugo", "utknęła", "utknela"],
            P: ["opóźni", "opozni", "spóźni", "spozni", "zwłok", "zwlok"],
        },
        "sv": {
            W: ["fortfarande inte", "ännu inte", "annu inte", "väntar fortfarande", "vantar fortfarande", "väntat i", "vantat i", "i veckor", "så länge", "sa lange", "för länge", "for lange", "sen leverans", "står still", "star still"],
            P: ["försen", "forsen", "försening", "dröj", "droj"],
        },
        "ja": {S: ["遅延", "遅れ", "遅い", "まだ届", "まだ届いていません", "届きません", "待っています", "待っている", "何週間", "何日も", "予定日を過ぎ", "一向に"]},
        "zh": {S: ["延迟", "延遲", "延误", "延誤", "还没收到", "還沒收到", "还没到", "還沒到", "还没有收到", "還沒有收到", "迟迟", "遲遲", "太慢", "等了", "好久", "一直没", "一直沒", "几个星期", "幾個星期", "几周", "没有更新", "沒有更新"]},
        "ko": {S: ["지연", "늦어", "늦게", "아직 안", "아직도", "아직 못", "기다리고", "몇 주", "몇주", "너무 오래", "업데이트가 없"]},
        "th": {S: ["ล่าช้า", "ช้ามาก", "ยังไม่ได้รับ", "ยังไม่มา", "ยังไม่ถึง", "รอนาน", "รอมา", "หลายสัปดาห์", "นานมาก"]},
    },
)

_set(
    "lost_words",
    "Lost or not delivered",
    "The parcel is lost, never arrived, or shows delivered but is not there.",
    {
        "en": {
            W: [
                "lost",
                "never arrived",
                "never came",
                "never received",
                "never got",
                "never showed up",
                "not delivered",
                "wasn't delivered",
                "was not delivered",
                "didn't arrive",
                "did not arrive",
                "didn't receive",
                "did not receive",
                "haven't received",
                "have not received",
                "not received",
                "marked as delivered",
                "says delivered",
                "says it was delivered",
                "shows delivered",
                "shows as delivered",
                "listed as delivered",
                "delivered but",
                "missing parcel",
                "missing package",
                "is missing",
                "went missing",
                "stolen",
                "disappeared",
                "nothing arrived",
                "returned to sender",
                "wrong address",
            ],
        },
        "de": {
            W: ["nie angekommen", "nicht angekommen", "nie erhalten", "nicht erhalten", "nicht bekommen", "nie bekommen", "nicht geliefert", "nicht zugestellt", "als zugestellt", "als geliefert", "angeblich zugestellt", "angeblich geliefert", "gestohlen", "kein paket", "ist weg", "verschwunden"],
            P: ["verloren", "verlust", "abhanden", "unzustellbar"],
        },
        "fr": {
            W: ["jamais reçu", "jamais recu", "jamais arrivé", "jamais arrive", "pas reçu", "pas recu", "n'est pas arrivé", "n'est pas arrive", "pas été livré", "pas ete livre", "non livré", "non livre", "marqué comme livré", "marque comme livre", "indiqué livré", "indique livre", "indiqué comme livré", "volé", "vole", "disparu"],
            P: ["perdu", "égaré", "egare"],
        },
        "es": {
            W: ["nunca llegó", "nunca llego", "nunca recibí", "nunca recibi", "no ha llegado", "no llegó", "no llego", "no he recibido", "no recibí", "no recibi", "no entregado", "marcado como entregado", "aparece como entregado", "figura como entregado", "dice entregado", "robado", "desaparecido"],
            P: ["perdid", "extravi", "extraví"],
        },
        "it": {
            W: ["mai arrivato", "mai arrivata", "mai ricevuto", "non è arrivato", "non e arrivato", "non ho ricevuto", "non consegnato", "risulta consegnato", "segnato come consegnato", "indicato come consegnato", "rubato", "sparito", "scomparso"],
            P: ["perso", "persa", "smarrit"],
        },
        "pt": {
            W: ["nunca chegou", "nunca recebi", "não chegou", "nao chegou", "não recebi", "nao recebi", "não foi entregue", "nao foi entregue", "consta como entregue", "aparece como entregue", "marcado como entregue", "roubado", "desaparec"],
            P: ["perdid", "extravi", "sumiu"],
        },
        "nl": {
            W: ["nooit aangekomen", "nooit ontvangen", "niet aangekomen", "niet ontvangen", "niet geleverd", "niet bezorgd", "als bezorgd", "als geleverd", "staat op bezorgd", "gestolen", "verdwenen"],
            P: ["kwijt", "zoekgeraakt", "verloren", "vermist"],
        },
        "pl": {
            W: ["nie dotarła", "nie dotarla", "nie dotarło", "nie dotarlo", "nigdy nie dotarła", "nie otrzymałem", "nie otrzymalem", "nie otrzymałam", "nie otrzymalam", "nie dostałem", "nie dostalem", "nie dostałam", "nie dostalam", "nie doręczono", "nie doreczono", "jako doręczona", "jako doreczona", "jako dostarczona", "skradzion", "zniknęła", "zniknela"],
            P: ["zgubion", "zagubion", "zaginęł", "zaginel", "zaginion"],
        },
        "sv": {
            W: ["aldrig kommit", "aldrig kom", "aldrig fått", "aldrig fatt", "inte kommit", "inte fått", "inte fatt", "inte levererat", "inte levererats", "som levererat", "som levererad", "stulen", "stulet", "försvunnit", "forsvunnit"],
            P: ["borttappa", "förlorad", "forlorad", "försvunn", "forsvunn", "kommit bort"],
        },
        "ja": {S: ["紛失", "届いていない", "届いてない", "届かない", "受け取っていない", "受け取っていません", "配達済みになって", "配達完了になって", "配達完了となって", "盗ま", "行方不明", "見つからない"]},
        "zh": {S: ["丢失", "丟失", "丢件", "丟件", "丢了", "丟了", "没收到", "沒收到", "未收到", "显示已签收", "顯示已簽收", "已签收但", "没有收到", "沒有收到", "被偷", "不见了", "不見了", "找不到包裹"]},
        "ko": {S: ["분실", "못 받", "받지 못", "안 왔", "오지 않", "배송 완료로 나오", "배송완료로", "도난", "사라졌"]},
        "th": {S: ["หาย", "ไม่ได้รับ", "ไม่ได้รับสินค้า", "ขึ้นว่าจัดส่งแล้ว", "ถูกขโมย"]},
    },
)

_set(
    "damaged_words",
    "Damaged in transit",
    "The item or parcel arrived damaged.",
    {
        "en": {
            W: ["arrived damaged", "arrived broken", "arrived cracked", "arrived smashed", "came damaged", "came broken", "broken on arrival", "damaged in transit", "damaged during shipping", "damaged in shipping", "damaged in the post", "damaged in delivery", "box was", "box is", "parcel was", "package was", "packaging was", "crushed", "dented", "smashed", "shattered", "cracked", "dent", "torn open", "wet", "squashed"],
            P: ["damag"],
        },
        "de": {
            W: ["kaputt angekommen", "kaputt geliefert", "defekt angekommen", "beschädigt angekommen", "beschadigt angekommen", "paket war", "karton war", "verpackung war", "zerdrückt", "zerdruckt", "eingedrückt", "eingedruckt", "verbeult", "zersplittert", "gesprungen", "nass"],
            P: ["beschädig", "beschadig", "beschaedig", "zerbroch", "zerbrech", "transportschad", "zerquetsch", "gebroch"],
        },
        "fr": {
            W: ["arrivé cassé", "arrive casse", "arrivée cassée", "arrivee cassee", "reçu cassé", "recu casse", "colis abîmé", "colis abime", "carton abîmé", "emballage", "écrasé", "ecrase", "écrasée", "ecrasee", "brisé", "brisée", "fissuré", "fissure", "cabossé", "cabosse", "mouillé", "mouille"],
            P: ["endommag", "abîm", "abim"],
        },
        "es": {
            W: ["llegó roto", "llego roto", "llegó rota", "llego rota", "llegó dañado", "llego danado", "caja rota", "caja dañada", "embalaje", "aplastado", "aplastada", "abollado", "abollada", "golpeado", "golpeada", "agrietado", "rajado", "mojado"],
            P: ["dañad", "danad", "daño", "dano", "destroz"],
        },
        "it": {
            W: ["arrivato rotto", "arrivata rotta", "arrivato danneggiato", "pacco rotto", "scatola rotta", "imballaggio", "ammaccato", "ammaccata", "schiacciato", "schiacciata", "crepato", "incrinato", "bagnato", "distrutto"],
            P: ["danneggi", "danno", "ammacc", "frantum"],
        },
        "pt": {
            W: ["chegou partido", "chegou partida", "chegou quebrado", "chegou quebrada", "chegou danificado", "caixa rasgada", "caixa amassada", "embalagem", "amassado", "amassada", "esmagado", "esmagada", "rachado", "rachada", "molhado"],
            P: ["danificad", "avariad", "dano"],
        },
        "nl": {
            W: ["kapot aangekomen", "kapot geleverd", "gebroken aangekomen", "stuk aangekomen", "gedeukt", "deuk", "deuken", "ingedeukt", "verpakking", "doos was", "gebarsten", "nat"],
            P: ["beschadig", "transportschade", "geplet", "verbrijzel"],
        },
        "pl": {
            W: ["przyszło zniszczone", "przyszla zniszczona", "przyszła zniszczona", "dotarło uszkodzone", "dotarlo uszkodzone", "karton", "opakowanie", "pęknięty", "pekniety", "pęknięta", "peknieta", "mokre", "mokra"],
            P: ["uszkodz", "zniszcz", "zgniec", "pogniec", "rozbit", "stłuc", "stluc", "wgniec"],
        },
        "sv": {
            W: ["kom trasig", "kom trasigt", "kom sönder", "kom sonder", "trasig vid leverans", "förpackningen", "forpackningen", "kartongen", "krossad", "krossat", "bucklig", "buckla", "sprucken", "spruckit", "blöt", "blot"],
            P: ["skadad", "skadat", "skador", "transportskad", "kross", "intryck"],
        },
        "ja": {S: ["破損", "傷が", "傷あり", "割れ", "へこみ", "凹み", "潰れ", "壊れて届", "箱が", "外箱", "梱包が", "濡れ", "ひび"]},
        "zh": {S: ["破损", "破損", "压坏", "壓壞", "摔坏", "摔壞", "碎了", "磕碰", "外包装", "外包裝", "包装破", "包裝破", "运输中损坏", "運輸中損壞", "损坏", "損壞", "压扁", "裂了", "划痕", "刮花"]},
        "ko": {S: ["파손", "깨져", "깨진", "찌그러", "훼손", "박스가", "포장이", "금이 가", "젖어"]},
        "th": {S: ["เสียหาย", "แตก", "บุบ", "ชำรุดระหว่างขนส่ง", "กล่องบุบ", "กล่องพัง", "ร้าว", "เปียก"]},
    },
)

_set(
    "defect_words",
    "Defect or not working",
    "The item is faulty, broken or of poor quality.",
    {
        "en": {
            W: ["doesn't work", "does not work", "didn't work", "not working", "stopped working", "quit working", "won't turn on", "will not turn on", "doesn't turn on", "does not turn on", "won't switch on", "doesn't switch on", "won't charge", "doesn't charge", "does not charge", "not charging", "broken", "broke", "faulty", "fell apart", "falling apart", "came apart", "ripped", "poor quality", "bad quality", "cheap quality", "low quality", "dead", "no sound", "stitching", "zipper", "zip", "peeling", "peeled", "hole", "holes", "leaks", "leaking", "torn", "frayed", "scratched", "scratches", "cracked", "dead pixel", "flickers", "flickering", "overheats", "warranty", "guarantee"],
            P: ["defect", "defective", "malfunction", "glitch", "fault"],
        },
        "de": {
            W: ["funktioniert nicht", "funktioniert nicht mehr", "geht nicht", "geht nicht mehr", "geht nicht an", "lässt sich nicht", "lasst sich nicht", "laesst sich nicht", "lädt nicht", "ladt nicht", "laedt nicht", "schlechte qualität", "schlechte qualitat", "schlechte qualitaet", "minderwertig", "gerissen", "löst sich", "lost sich", "reißverschluss", "reissverschluss", "naht", "loch", "löcher", "undicht", "garantie", "gewährleistung", "gewahrleistung", "gewaehrleistung", "kaputt", "kaputtgegangen", "zerkratzt", "kratzer", "macht geräusche", "flackert"],
            P: ["defekt", "mangel", "mängel", "mangelhaft", "fehlerhaft", "fehler", "funktionsstörung", "qualitätsmangel", "qualitatsmangel", "materialfehler", "kaputt"],
        },
        "fr": {
            W: ["ne fonctionne pas", "ne fonctionne plus", "ne marche pas", "ne marche plus", "en panne", "cassé", "casse", "cassée", "cassee", "s'allume pas", "ne s'allume", "ne charge pas", "ne charge plus", "mauvaise qualité", "mauvaise qualite", "qualité médiocre", "qualite mediocre", "déchiré", "dechire", "déchirée", "troué", "troue", "trou", "fermeture éclair", "fermeture eclair", "couture", "rayé", "raye", "rayures", "garantie", "fuit", "se décolle", "se decolle"],
            P: ["défectu", "defectu", "défaut", "defaut", "dysfonction"],
        },
        "es": {
            W: ["no funciona", "dejó de funcionar", "dejo de funcionar", "no enciende", "no prende", "no carga", "roto", "rota", "rotos", "se rompió", "se rompio", "falla", "fallo", "mala calidad", "baja calidad", "descosido", "descosida", "cremallera", "garantía", "garantia", "agujero", "rayado", "rayada", "pierde agua", "se despega", "se pela"],
            P: ["defectu", "defecto", "averi", "estropead"],
        },
        "it": {
            W: ["non funziona", "non funziona più", "ha smesso di funzionare", "non si accende", "non carica", "rotto", "rotta", "rotti", "si è rotto", "si e rotto", "si è rotta", "guasto", "guasta", "scarsa qualità", "scarsa qualita", "pessima qualità", "pessima qualita", "cucitura", "cerniera", "zip", "buco", "graffiato", "graffiata", "garanzia", "perde", "si stacca", "scucit"],
            P: ["difett", "malfunzion", "strappat"],
        },
        "pt": {
            W: ["não funciona", "nao funciona", "parou de funcionar", "não liga", "nao liga", "não carrega", "nao carrega", "quebrado", "quebrada", "quebrou", "partido", "partiu", "má qualidade", "ma qualidade", "baixa qualidade", "qualidade ruim", "rasgado", "rasgada", "rasgou", "descosido", "descosida", "fecho", "zíper", "ziper", "furo", "buraco", "riscado", "garantia", "vaza", "descolou", "descascou"],
            P: ["defeit", "avari", "estragad", "estragou"],
        },
        "nl": {
            W: ["werkt niet", "werkt niet meer", "doet het niet", "doet het niet meer", "gaat niet aan", "laadt niet", "kapot", "is stuk", "ging stuk", "gaat stuk", "slechte kwaliteit", "gescheurd", "scheur", "rits", "naad", "gat", "gaten", "krassen", "bekrast", "garantie", "lekt"],
            P: ["defect", "gebrek", "mankement", "ondeugdelijk"],
        },
        "pl": {
            W: ["nie działa", "nie dziala", "przestał działać", "przestal dzialac", "przestała działać", "przestala dzialac", "nie włącza", "nie wlacza", "nie ładuje", "nie laduje", "zła jakość", "zla jakosc", "słaba jakość", "slaba jakosc", "kiepska jakość", "kiepska jakosc", "dziura", "suwak", "zamek", "szew", "gwarancja", "gwarancji", "cieknie", "wada", "wady", "wadę", "wade", "porysowany", "porysowana"],
            P: ["wadliw", "zepsu", "popsu", "rozdar", "pękn", "pekn", "usterk", "rozpru", "odkleja"],
        },
        "sv": {
            W: ["fungerar inte", "funkar inte", "slutat fungera", "slutade fungera", "går inte att", "gar inte att", "startar inte", "laddar inte", "gick sönder", "gick sonder", "sönder", "sonder", "dålig kvalitet", "dalig kvalitet", "fel på", "fel pa", "hål", "hal i", "dragkedja", "söm", "repig", "repor", "garanti", "läcker", "lacker"],
            P: ["defekt", "trasig", "bristfällig", "bristfallig", "sprick", "riven"],
        },
        "ja": {S: ["不良", "故障", "壊れ", "動かない", "作動しない", "動作しない", "電源が入らない", "充電できない", "充電されない", "初期不良", "品質が悪", "破れ", "ほつれ", "不具合", "穴が", "剥がれ", "ファスナー", "縫い目", "使えない", "傷"]},
        "zh": {S: ["质量问题", "質量問題", "品质问题", "品質問題", "坏了", "壞了", "故障", "不能用", "用不了", "不工作", "无法开机", "無法開機", "开不了机", "開不了機", "充不了电", "充不進電", "不能充电", "不能充電", "有缺陷", "瑕疵", "次品", "质量差", "質量差", "质量太差", "破了", "开线", "開線", "脱线", "掉色", "不亮", "拉链", "拉鏈", "有洞", "漏水"]},
        "ko": {S: ["불량", "고장", "작동하지", "작동이 안", "작동 안", "안 켜", "켜지지", "충전이 안", "충전 안", "품질이", "하자", "망가", "찢어", "구멍", "지퍼", "실밥", "흠집", "스크래치", "작동을 안"]},
        "th": {S: ["ชำรุด", "ใช้งานไม่ได้", "ใช้ไม่ได้", "เปิดไม่ติด", "ชาร์จไม่เข้า", "คุณภาพไม่ดี", "คุณภาพแย่", "พัง", "ขาด", "เครื่องเสีย", "เสียแล้ว", "ไม่ทำงาน", "รอยขีดข่วน", "เป็นรู"]},
    },
)

_set(
    "wrong_item_words",
    "Wrong item or not as described",
    "The buyer received something else than ordered, or not as described.",
    {
        "en": {
            W: ["wrong item", "wrong product", "wrong colour", "wrong color", "wrong model", "wrong one", "wrong thing", "wrong version", "wrong order", "not what i ordered", "not what i bought", "not what i paid for", "not the one i ordered", "not as described", "not as pictured", "not as shown", "not as advertised", "different from the picture", "different from the photo", "different from the description", "different from the listing", "different item", "different product", "looks different", "doesn't match", "does not match", "didn't match", "fake", "counterfeit", "knock-off", "knockoff", "not original", "not genuine", "misleading", "missing parts", "missing part", "parts missing", "incomplete", "sent me the wrong", "received the wrong", "got the wrong", "instead of the", "something else", "mismatch"],
        },
        "de": {
            W: ["falscher artikel", "falsche artikel", "falschen artikel", "falsches produkt", "falsche produkt", "falsche farbe", "falsches modell", "falsche ware", "falsch geliefert", "falsches geliefert", "nicht wie beschrieben", "nicht wie abgebildet", "nicht wie auf dem bild", "nicht das, was ich bestellt", "nicht das was ich bestellt", "nicht bestellt", "anders als", "andere farbe als", "stimmt nicht überein", "stimmt nicht uberein", "entspricht nicht", "fehlt", "fehlen", "unvollständig", "unvollstandig", "unvollstaendig", "statt"],
            P: ["fälsch", "falsch", "gefälscht", "gefalscht", "gefaelscht", "plagiat", "irreführ", "irrefuhr", "artikelbeschreibung"],
        },
        "fr": {
            W: ["mauvais article", "mauvais produit", "mauvaise couleur", "mauvais modèle", "mauvais modele", "pas ce que j'ai commandé", "pas ce que j'ai commande", "ce n'est pas ce que", "ne correspond pas", "non conforme", "pas conforme", "différent de", "different de", "différente de", "pas comme sur la photo", "pas comme décrit", "faux", "fausse", "incomplet", "incomplète", "il manque", "manquant", "au lieu de", "erreur de commande", "trompeu"],
            P: ["contrefa", "conformit"],
        },
        "es": {
            W: ["artículo equivocado", "articulo equivocado", "producto equivocado", "color equivocado", "modelo equivocado", "producto incorrecto", "artículo incorrecto", "articulo incorrecto", "color incorrecto", "no es lo que pedí", "no es lo que pedi", "no es lo que compré", "no es lo que compre", "no coincide", "no corresponde", "diferente a", "diferente de", "distinto a", "distinto de", "no como se describe", "no es como en la foto", "no es como la foto", "falso", "falsa", "incompleto", "incompleta", "falta", "faltan", "en lugar de", "engañoso", "enganoso"],
            P: ["equivocad", "falsificad", "imitaci"],
        },
        "it": {
            W: ["articolo sbagliato", "prodotto sbagliato", "colore sbagliato", "modello sbagliato", "taglia sbagliata", "non è quello che ho ordinato", "non e quello che ho ordinato", "non corrisponde", "non conforme", "diverso da", "diversa da", "diverso dalla", "diversa dalla", "diverso dalle", "non come descritto", "non come in foto", "falso", "falsa", "incompleto", "incompleta", "manca", "mancano", "al posto di", "invece di", "ingannevole"],
            P: ["sbagliat", "contraffat", "non conformit"],
        },
        "pt": {
            W: ["artigo errado", "produto errado", "cor errada", "modelo errado", "não é o que encomendei", "nao e o que encomendei", "não é o que pedi", "nao e o que pedi", "não é o que comprei", "nao e o que comprei", "não corresponde", "nao corresponde", "diferente do", "diferente da", "diferente das", "diferente dos", "não como descrito", "falso", "falsa", "incompleto", "incompleta", "falta", "faltam", "em vez de", "enganos"],
            P: ["errad", "falsificad", "réplica", "replica"],
        },
        "nl": {
            W: ["verkeerde artikel", "verkeerd artikel", "verkeerd product", "verkeerde product", "verkeerde kleur", "verkeerd model", "verkeerd geleverd", "verkeerde", "verkeerd", "niet wat ik besteld", "niet zoals beschreven", "niet zoals op de foto", "komt niet overeen", "anders dan", "namaak", "nep", "onvolledig", "ontbreekt", "ontbreken", "in plaats van", "misleidend"],
        },
        "pl": {
            W: ["zły produkt", "zly produkt", "zły towar", "zly towar", "zły kolor", "zly kolor", "zły model", "zly model", "nie to, co zamówiłem", "nie to co zamowilem", "nie to, co zamówiłam", "nie to co zamowilam", "nie to zamawiałem", "nie to zamawialem", "nie to zamawiałam", "inny niż", "inny niz", "inna niż", "inna niz", "inne niż", "inne niz", "brakuje", "zamiast", "niezgodny z opisem", "niezgodna z opisem", "niezgodne z opisem"],
            P: ["niewłaściw", "niewlasciw", "niezgodn", "podróbk", "podrobk", "podrabian", "niekomplet", "pomyłk", "pomylk", "wprowadza w błąd"],
        },
        "sv": {
            W: ["fel vara", "fel produkt", "fel färg", "fel farg", "fel artikel", "fel modell", "fel sak", "inte vad jag beställt", "inte vad jag bestallt", "inte det jag beställde", "inte det jag bestallde", "stämmer inte", "stammer inte", "inte som beskrivet", "inte som på bilden", "inte som pa bilden", "annorlunda", "kopia", "saknas", "fattas", "istället för", "istallet for", "vilseledande"],
            P: ["förfalsk", "forfalsk", "ofullständig", "ofullstandig", "piratkopi"],
        },
        "ja": {S: ["違う商品", "別の商品", "間違った", "間違い", "色が違", "説明と違", "写真と違", "画像と違", "注文したものと違", "注文した物と違", "注文と違", "偽物", "部品が足り", "欠品", "入っていな", "商品説明と", "記載と違", "届いたのは"]},
        "zh": {S: ["发错", "發錯", "错发", "錯發", "寄错", "寄錯", "不是我订的", "不是我訂的", "不是我买的", "不是我買的", "与描述不符", "與描述不符", "描述不符", "和图片不一样", "和圖片不一樣", "跟图片不一样", "跟圖片不一樣", "颜色不对", "顏色不對", "货不对板", "貨不對板", "假货", "假貨", "仿品", "少了", "缺少", "漏发", "漏發", "不符", "型号不对", "型號不對", "与图片不符", "實物不符", "实物不符"]},
        "ko": {S: ["잘못된 상품", "잘못 배송", "잘못 왔", "다른 상품", "다른 제품", "주문한 것과 다", "주문한 상품과 다", "설명과 다", "사진과 다", "색상이 다", "가품", "짝퉁", "누락", "빠져", "오배송"]},
        "th": {S: ["ผิดสินค้า", "ส่งผิด", "ได้ของผิด", "ได้สินค้าผิด", "ไม่ตรงปก", "ไม่ตรงตามรูป", "ไม่ตรงกับ", "ไม่ตรงตามที่สั่ง", "สีผิด", "ของปลอม", "ไม่ครบ", "ผิดรุ่น", "ผิดสี"]},
    },
)

_set(
    "size_words",
    "Size or fit",
    "The size or fit is wrong.",
    {
        "en": {
            W: ["too small", "too big", "too large", "too tight", "too loose", "too short", "too long", "too narrow", "too wide", "doesn't fit", "does not fit", "didn't fit", "don't fit", "do not fit", "won't fit", "not fit", "fit", "fits", "fitting", "size", "sizes", "sizing", "wrong size", "runs small", "runs large", "runs big", "smaller", "bigger", "larger", "tight", "loose", "huge", "tiny"],
        },
        "de": {
            W: ["zu klein", "zu groß", "zu gross", "zu eng", "zu weit", "zu kurz", "zu lang", "zu schmal", "zu breit", "passt nicht", "passen nicht", "passt mir nicht", "passt leider nicht", "sitzt nicht", "nummer größer", "nummer grösser", "nummer kleiner", "fällt klein aus", "fallt klein aus", "fällt groß aus", "fällt gross aus"],
            P: ["größe", "grösse", "groesse", "größen", "passform", "konfektionsgröße", "schuhgröße", "kleidergröße"],
        },
        "fr": {
            W: ["trop petit", "trop petite", "trop petits", "trop grand", "trop grande", "trop grands", "trop serré", "trop serre", "trop serrée", "trop large", "trop court", "trop courte", "trop long", "trop longue", "trop étroit", "trop etroit", "ne me va pas", "ne va pas", "ne me vont pas", "taille", "tailles", "taille petit", "taille grand", "pointure"],
        },
        "es": {
            W: ["muy pequeño", "muy pequeno", "muy pequeña", "muy pequena", "demasiado pequeño", "demasiado pequeno", "demasiado pequeña", "demasiado grande", "muy grande", "me queda pequeño", "me queda pequeno", "me queda grande", "me queda chico", "me quedan", "queda chico", "muy ajustado", "muy ajustada", "muy apretado", "muy apretada", "no me queda", "no me quedan", "no me va", "no me entra", "no me entran", "talla", "tallas", "número más", "numero mas", "horma"],
        },
        "it": {
            W: ["troppo piccolo", "troppo piccola", "troppo piccoli", "troppo grande", "troppo grandi", "troppo stretto", "troppo stretta", "troppo largo", "troppo larga", "troppo corto", "troppo corta", "troppo lungo", "troppo lunga", "non mi sta", "non mi va", "non mi vanno", "non mi stanno", "taglia", "taglie", "numero più", "numero piu", "misura", "calzata", "veste piccolo", "veste grande"],
        },
        "pt": {
            W: ["muito pequeno", "muito pequena", "muito grande", "demasiado pequeno", "demasiado pequena", "demasiado grande", "apertado", "apertada", "largo demais", "larga demais", "pequeno demais", "pequena demais", "grande demais", "não serve", "nao serve", "não me serve", "nao me serve", "não servem", "nao servem", "tamanho", "tamanhos", "numeração", "numeracao", "número", "numero"],
        },
        "nl": {
            W: ["te klein", "te groot", "te krap", "te strak", "te wijd", "te kort", "te lang", "te smal", "te breed", "past niet", "passen niet", "past me niet", "valt klein", "valt groot", "maat", "maatje", "maten", "pasvorm"],
        },
        "pl": {
            W: ["za mały", "za maly", "za mała", "za mala", "za małe", "za male", "za duży", "za duzy", "za duża", "za duza", "za duże", "za duze", "za ciasny", "za ciasna", "za ciasne", "za luźny", "za luzny", "za luźna", "za luzna", "za krótki", "za krotki", "za krótka", "za krotka", "za długi", "za dlugi", "za długa", "za dluga", "nie pasuje", "nie pasują", "nie pasuja", "rozmiarówka", "rozmiarowka"],
            P: ["rozmiar"],
        },
        "sv": {
            W: ["för liten", "for liten", "för litet", "for litet", "för små", "for sma", "för stor", "for stor", "för stort", "for stort", "för stora", "for stora", "för trång", "for trang", "för tight", "för kort", "for kort", "för lång", "for lang", "för smal", "passar inte", "passade inte", "sitter inte bra"],
            P: ["storlek", "passform"],
        },
        "ja": {S: ["サイズ", "小さすぎ", "大きすぎ", "小さかった", "大きかった", "きつい", "きつくて", "ゆるい", "ゆるくて", "合わない", "合いません", "入らない", "ぶかぶか", "寸法"]},
        "zh": {S: ["尺码", "尺碼", "尺寸", "太小", "太大", "偏小", "偏大", "不合身", "穿不下", "穿不了", "太紧", "太緊", "太松", "太鬆", "码数", "碼數", "大一码", "大一碼", "小一码", "小一碼", "大一号", "小一号", "号码不对", "不合脚", "不合腳"]},
        "ko": {S: ["사이즈", "치수", "너무 작", "너무 커", "너무 크", "작아요", "작아서", "커요", "커서", "맞지 않", "안 맞", "꽉 끼", "헐렁"]},
        "th": {S: ["ไซส์", "ไซซ์", "ขนาด", "เล็กไป", "ใหญ่ไป", "เล็กเกินไป", "ใหญ่เกินไป", "คับ", "หลวม", "ใส่ไม่ได้", "ใส่ไม่พอดี", "ไม่พอดี"]},
    },
)

_set(
    "changed_mind_words",
    "Changed mind",
    "The buyer no longer wants the item (nothing is wrong with it).",
    {
        "en": {
            W: ["changed my mind", "change of mind", "change my mind", "no longer need", "no longer want", "no longer needed", "don't need it", "don't need them", "do not need it", "don't want it", "don't want them", "do not want it", "don't like it", "don't like them", "didn't like", "do not like", "not for me", "ordered by mistake", "by mistake", "by accident", "accidentally ordered", "accidentally bought", "ordered twice", "ordered the wrong", "duplicate order", "found it cheaper", "found a cheaper", "cheaper elsewhere", "not needed", "not what i expected", "not happy with it", "don't need", "no need for it", "second thoughts", "unwanted", "not suitable", "not my style", "doesn't suit me", "didn't suit"],
        },
        "de": {
            W: ["anders überlegt", "anders uberlegt", "anders ueberlegt", "es mir anders", "umentschieden", "nicht mehr benötigt", "nicht mehr benotigt", "nicht mehr gebraucht", "brauche es nicht", "brauche ich nicht", "brauche ihn nicht", "brauche sie nicht", "nicht mehr nötig", "gefällt mir nicht", "gefallt mir nicht", "gefaellt mir nicht", "gefällt nicht", "gefällt uns nicht", "sagt mir nicht zu", "versehentlich bestellt", "aus versehen", "doppelt bestellt", "falsch bestellt", "woanders günstiger", "woanders gunstiger", "günstiger gefunden", "gunstiger gefunden", "nicht mehr gewollt", "doch nicht", "nicht meinen vorstellungen", "nicht meinen geschmack", "nicht mein geschmack", "nicht mein fall"],
        },
        "fr": {
            W: ["changé d'avis", "change d'avis", "changée d'avis", "plus besoin", "n'en ai plus besoin", "n'en ai pas besoin", "ne me plaît pas", "ne me plait pas", "ne me plaît plus", "ne me convient pas", "ne me convient plus", "commandé par erreur", "commande par erreur", "par erreur", "en double", "moins cher ailleurs", "ne veux plus", "ne le veux plus", "ne la veux plus", "pas à mon goût", "pas a mon gout", "je n'aime pas", "finalement"],
        },
        "es": {
            W: ["cambié de opinión", "cambie de opinion", "cambiado de opinión", "cambiado de opinion", "cambié de idea", "cambie de idea", "ya no lo necesito", "ya no la necesito", "ya no los necesito", "ya no lo quiero", "ya no la quiero", "no lo necesito", "no me gusta", "no me gustó", "no me gusto", "no me convence", "por error", "por equivocación", "por equivocacion", "pedido duplicado", "más barato", "mas barato", "ya no me interesa"],
            P: ["arrepent"],
        },
        "it": {
            W: ["cambiato idea", "non mi serve più", "non mi serve piu", "non mi serve", "non mi piace", "non mi è piaciuto", "non mi e piaciuto", "non mi convince", "ordinato per errore", "per errore", "per sbaglio", "doppio ordine", "ordinato due volte", "non lo voglio più", "non lo voglio piu", "non la voglio più", "più economico", "piu economico", "non mi interessa più", "non mi interessa piu"],
            P: ["ripensat", "ripensament"],
        },
        "pt": {
            W: ["mudei de ideia", "mudei de opinião", "mudei de opiniao", "já não preciso", "ja nao preciso", "não preciso mais", "nao preciso mais", "não gostei", "nao gostei", "não gosto", "nao gosto", "por engano", "por erro", "não quero mais", "nao quero mais", "já não quero", "ja nao quero", "mais barato", "pedido duplicado"],
            P: ["arrependi", "desist"],
        },
        "nl": {
            W: ["bedacht", "van gedachten veranderd", "niet meer nodig", "toch niet nodig", "bevalt niet", "bevalt me niet", "vind het niet mooi", "niet mooi", "per ongeluk", "per vergissing", "dubbel besteld", "goedkoper gevonden", "wil het niet meer", "wil ze niet meer", "toch niet", "niet naar wens", "valt tegen"],
        },
        "pl": {
            W: ["zmieniłem zdanie", "zmienilem zdanie", "zmieniłam zdanie", "zmienilam zdanie", "zmiana decyzji", "rozmyśliłem się", "rozmyslilem sie", "rozmyśliłam się", "rozmyslilam sie", "nie potrzebuję", "nie potrzebuje", "już nie potrzebuję", "juz nie potrzebuje", "nie podoba", "nie podoba mi się", "przez pomyłkę", "przez pomylke", "omyłkowo", "omylkowo", "przez przypadek", "taniej", "nie chcę", "nie chce", "nie spełnia oczekiwań", "nie spelnia oczekiwan"],
        },
        "sv": {
            W: ["ångrat mig", "angrat mig", "ångrar mig", "angrar mig", "ändrat mig", "andrat mig", "behöver inte", "behover inte", "behövs inte", "inte längre", "inte langre", "gillar inte", "tycker inte om", "beställde fel", "bestallde fel", "av misstag", "billigare", "inte min stil", "passar inte mig"],
            P: ["dubbelbeställ", "dubbelbestall", "ångrade", "angrade"],
        },
        "ja": {S: ["気が変わ", "不要になった", "必要なくなった", "必要がなくなった", "いらなくなった", "要らなくなった", "間違えて注文", "誤って注文", "二重注文", "重複注文", "イメージと違", "気に入らな", "好みではな", "好みじゃな", "思っていたのと違", "思ったのと違", "他で安く", "他店で安"]},
        "zh": {S: ["不想要了", "不要了", "不需要了", "用不上", "改变主意", "改變主意", "不喜欢", "不喜歡", "拍错", "拍錯", "买错", "買錯", "下错单", "下錯單", "重复下单", "重複下單", "无理由", "無理由", "和想象的不一样", "跟想象的不一样", "別家更便宜", "别家更便宜", "买多了", "買多了"]},
        "ko": {S: ["단순 변심", "단순변심", "변심", "마음이 바뀌", "필요 없어", "필요없어", "필요가 없", "마음에 들지 않", "마음에 안 들", "잘못 주문", "실수로 주문", "중복 주문", "생각했던 것과 다", "생각과 다"]},
        "th": {S: ["เปลี่ยนใจ", "ไม่ต้องการแล้ว", "ไม่อยากได้แล้ว", "สั่งผิด", "ไม่ชอบ", "ไม่ถูกใจ", "กดสั่งซ้ำ"]},
    },
)

_set(
    "customs_words",
    "Customs and import duty",
    "Customs, import duty or import VAT.",
    {
        "en": {
            W: ["customs", "import duty", "import duties", "import tax", "import taxes", "import fee", "import fees", "import charges", "duty", "duties", "vat", "tariff", "tariffs", "brokerage", "clearance", "border", "held at customs", "customs fee", "customs charge"],
        },
        "de": {
            W: ["mwst", "mehrwertsteuer", "abgaben", "einfuhr"],
            P: ["zoll", "zöll", "verzoll", "einfuhrumsatzsteuer", "einfuhrabgabe", "einfuhrsteuer", "importsteuer", "importgebühr", "importgebuhr", "einfuhrgebühr"],
        },
        "fr": {
            W: ["droits d'importation", "droits de douane", "droits d'import", "frais d'importation", "frais de douane", "taxe d'importation", "taxes d'importation", "taxes à l'importation", "tva"],
            P: ["douan", "dédouan", "dedouan"],
        },
        "es": {
            W: ["aranceles", "arancel", "impuestos de importación", "impuestos de importacion", "impuesto de importación", "impuesto de importacion", "gastos de importación", "gastos de importacion", "iva", "despacho aduanero", "tasas de importación"],
            P: ["aduan"],
        },
        "it": {
            W: ["dazi", "dazio", "iva", "tasse di importazione", "tassa di importazione", "spese doganali", "diritti doganali"],
            P: ["dogan", "sdogan"],
        },
        "pt": {
            W: ["aduana", "taxas de importação", "taxas de importacao", "taxa de importação", "taxa de importacao", "imposto de importação", "imposto de importacao", "iva", "direitos aduaneiros", "receita federal", "taxado", "taxada", "tributado"],
            P: ["alfândeg", "alfandeg", "desalfandeg", "aduaneir"],
        },
        "nl": {
            W: ["btw", "invoerrecht", "invoerrechten", "invoerheffing", "importkosten", "importheffing"],
            P: ["douane", "inklaring"],
        },
        "pl": {
            W: ["cło", "clo", "cła", "cla", "cłem", "clem", "vat", "podatek importowy", "opłata importowa", "oplata importowa", "urząd celny", "urzad celny", "odprawa celna", "odprawy celnej"],
            P: ["celn", "ocleni", "oclen"],
        },
        "sv": {
            W: ["moms", "importmoms", "importavgift", "importavgifter"],
            P: ["tull", "förtull", "fortull"],
        },
        "ja": {S: ["税関", "関税", "通関", "輸入税", "輸入消費税", "消費税"]},
        "zh": {S: ["海关", "海關", "关税", "關稅", "清关", "清關", "进口税", "進口稅", "报关", "報關", "扣关", "扣關", "税费", "稅費"]},
        "ko": {S: ["세관", "관세", "통관", "부가세", "수입세"]},
        "th": {S: ["ศุลกากร", "ภาษีนำเข้า", "กรมศุล", "ติดด่าน", "เสียภาษี", "ภาษี"]},
    },
)

_set(
    "dispute_words",
    "Dispute, chargeback or claim",
    "A chargeback, PayPal claim, A-to-z claim or a bank dispute, opened or threatened.",
    {
        "en": {
            W: ["charge back", "paypal claim", "paypal case", "paypal dispute", "claim with paypal", "claim on paypal", "case with paypal", "dispute with paypal", "opened a claim", "open a claim", "opening a claim", "file a claim", "filed a claim", "filing a claim", "a-to-z", "a-z claim", "a to z claim", "a to z guarantee", "contact my bank", "call my bank", "contacted my bank", "my bank", "credit card company", "card issuer", "reverse the charge", "buyer protection", "money back guarantee", "open a case", "opened a case", "ebay case", "unauthorized", "unauthorised", "fraud", "fraudulent", "scam"],
            P: ["chargeback", "disput"],
        },
        "de": {
            W: ["meine bank", "meiner bank", "die bank", "kreditkartenfirma", "kreditkartenunternehmen", "a-bis-z", "a-z-garantie", "a bis z garantie", "fall eröffnet", "fall eroffnet", "fall eröffnen", "konflikt eröffnet", "konflikt eroffnet", "paypal-konflikt", "paypal konflikt", "zahlung zurückholen", "zahlung zuruckholen", "betrug", "betrüger", "betruger"],
            P: ["rückbuch", "ruckbuch", "rueckbuch", "rücklastschrift", "rucklastschrift", "ruecklastschrift", "käuferschutz", "kauferschutz", "kaeuferschutz", "chargeback", "lastschrift zurück"],
        },
        "fr": {
            W: ["ouvrir un litige", "ouvert un litige", "ma banque", "la banque", "protection des achats", "garantie a à z", "garantie a a z", "de a à z", "fraude", "arnaque", "escroquerie", "rejet de paiement", "réclamation paypal", "reclamation paypal", "paypal réclamation"],
            P: ["litige", "rétrofactur", "retrofactur", "chargeback", "contestation de paiement", "opposition bancaire", "faire opposition"],
        },
        "es": {
            W: ["disputa", "reclamación en paypal", "reclamacion en paypal", "reclamación de paypal", "mi banco", "el banco", "tarjeta de crédito", "tarjeta de credito", "garantía de la a a la z", "garantia de la a a la z", "de la a a la z", "fraude", "estafa", "protección al comprador", "proteccion al comprador", "abrir un caso", "abierto un caso", "abrí un caso", "abri un caso", "abrir una disputa"],
            P: ["contracargo", "chargeback", "disputa"],
        },
        "it": {
            W: ["storno", "controversia", "contestazione", "contestare il pagamento", "la mia banca", "mia banca", "la banca", "carta di credito", "reclamo paypal", "reclamo su paypal", "dalla a alla z", "garanzia dalla a alla z", "truffa", "frode", "protezione acquirenti", "aperto un caso", "aprire un caso", "aprirò un caso"],
            P: ["chargeback", "contestazion", "controversi"],
        },
        "pt": {
            W: ["disputa", "contestação", "contestacao", "contestar a compra", "contestar o pagamento", "meu banco", "o banco", "cartão de crédito", "cartao de credito", "reclamação no paypal", "reclamacao no paypal", "de a a z", "fraude", "golpe", "burla", "proteção ao comprador", "protecao ao comprador", "abrir um caso", "abri um caso", "abrir uma disputa"],
            P: ["chargeback"],
        },
        "nl": {
            W: ["geschil", "paypal-claim", "paypal claim", "claim ingediend", "claim indienen", "mijn bank", "de bank", "creditcardmaatschappij", "creditcard", "a-tot-z", "a tot z", "fraude", "oplichting", "oplichter", "oplichters", "kopersbescherming", "zaak geopend", "zaak openen"],
            P: ["terugboek", "storner", "chargeback"],
        },
        "pl": {
            W: ["chargeback", "obciążenie zwrotne", "obciazenie zwrotne", "spór", "spor", "sporu", "mój bank", "moj bank", "mojego banku", "do banku", "karta kredytowa", "karty kredytowej", "od a do z", "oszustwo", "oszust", "oszuści", "oszusci", "ochrona kupującego", "ochrona kupujacego", "otworzyć spór", "otworzyc spor", "zgłoszenie w paypal", "zgloszenie w paypal"],
            P: ["oszuk"],
        },
        "sv": {
            W: ["tvist", "min bank", "banken", "kreditkortsföretaget", "kreditkortsforetaget", "kortutgivaren", "bedrägeri", "bedrageri", "köparskydd", "koparskydd", "a-till-ö", "a-till-o", "a-till-z", "bestrida", "bestridit", "bestrider", "anmälan hos paypal", "anmalan hos paypal", "ärende hos paypal", "arende hos paypal"],
            P: ["återkrav", "aterkrav", "chargeback", "återkräv"],
        },
        "ja": {S: ["チャージバック", "異議申し立て", "異議申立", "紛争", "カード会社", "銀行に連絡", "銀行に相談", "申し立て", "マーケットプレイス保証", "Aからz", "aからz", "詐欺", "不正請求", "ペイパルに"]},
        "zh": {S: ["拒付", "争议", "爭議", "纠纷", "糾紛", "信用卡公司", "银行", "銀行", "申诉", "申訴", "索赔", "索賠", "欺诈", "欺詐", "骗子", "騙子", "诈骗", "詐騙", "a-z", "发卡行", "發卡行"]},
        "ko": {S: ["지불 거절", "지불거절", "차지백", "분쟁", "카드사", "은행에", "이의 제기", "이의제기", "사기", "구매자 보호", "a-to-z"]},
        "th": {S: ["ปฏิเสธการชำระ", "ข้อพิพาท", "ธนาคาร", "บัตรเครดิต", "โกง", "หลอกลวง", "มิจฉาชีพ"]},
    },
)

_set(
    "complaint_words",
    "Complaint",
    "The buyer is unhappy or angry.",
    {
        "en": {
            W: ["unacceptable", "terrible", "horrible", "awful", "worst", "very unhappy", "unhappy", "angry", "furious", "outraged", "ridiculous", "poor service", "bad service", "terrible service", "customer service", "never again", "never buy", "never order", "never shop", "not happy", "annoyed", "waste of money", "shocking", "appalling", "rude", "no response", "no reply", "no answer", "nobody answers", "nobody replies", "ignored", "ignoring", "lawyer", "trading standards", "bad review", "negative review", "one star", "1 star", "useless", "pathetic", "fed up", "sick of"],
            P: ["disappoint", "disgrac", "complain", "frustrat", "unprofessional"],
        },
        "de": {
            W: ["unverschämt", "unverschamt", "unverschaemt", "frechheit", "unmöglich", "unmoglich", "schlechter service", "kundenservice", "ärgerlich", "argerlich", "verärgert", "verargert", "sauer", "wütend", "wutend", "nie wieder", "keine antwort", "keine reaktion", "ignoriert", "anwalt", "inakzeptabel", "zumutung", "skandal", "skandalös", "katastrophe", "katastrophal", "schlechte bewertung", "ärgere mich", "unzufrieden"],
            P: ["enttäusch", "enttausch", "enttaeusch", "beschwer", "reklamation", "reklamier", "verbraucherzentrale"],
        },
        "fr": {
            W: ["déçu", "decu", "déçue", "decue", "déception", "deception", "inacceptable", "inadmissible", "lamentable", "plainte", "me plaindre", "réclamation", "reclamation", "service client", "en colère", "en colere", "plus jamais", "aucune réponse", "aucune reponse", "pas de réponse", "pas de reponse", "sans réponse", "avocat", "mauvais service", "mauvais avis", "scandale", "honte", "insatisfait", "mécontent", "mecontent"],
            P: ["honteu", "scandaleu", "furieu", "inadmissib"],
        },
        "es": {
            W: ["decepción", "decepcion", "inaceptable", "vergüenza", "verguenza", "queja", "quejas", "quejarme", "reclamación", "reclamacion", "pésimo", "pesimo", "pésima", "pesima", "terrible", "horrible", "nunca más", "nunca mas", "sin respuesta", "nadie responde", "nadie contesta", "abogado", "mal servicio", "servicio al cliente", "atención al cliente", "atencion al cliente", "indignante", "insatisfecho", "insatisfecha", "mala experiencia"],
            P: ["decepcionad", "enfadad", "enojad", "furios", "indignad", "molest"],
        },
        "it": {
            W: ["deluso", "delusa", "delusione", "inaccettabile", "vergogna", "vergognoso", "reclamo", "lamentela", "pessimo", "pessima", "terribile", "orribile", "mai più", "mai piu", "nessuna risposta", "nessun riscontro", "avvocato", "servizio clienti", "assistenza clienti", "scandaloso", "scandalosa", "insoddisfatto", "insoddisfatta", "pessima esperienza"],
            P: ["arrabbiat", "furios", "lamentel", "indignat"],
        },
        "pt": {
            W: ["decepcionado", "decepcionada", "desiludido", "desiludida", "inaceitável", "inaceitavel", "vergonha", "reclamação", "reclamacao", "reclamar", "queixa", "péssimo", "pessimo", "péssima", "pessima", "horrível", "horrivel", "terrível", "terrivel", "nunca mais", "sem resposta", "ninguém responde", "ninguem responde", "advogado", "absurdo", "descaso", "insatisfeito", "insatisfeita", "atendimento"],
            P: ["irritad", "furios", "indignad", "chatead"],
        },
        "nl": {
            W: ["teleurgesteld", "teleurstelling", "onaanvaardbaar", "onacceptabel", "schandalig", "schande", "klacht", "klagen", "slechte service", "klantenservice", "boos", "woedend", "nooit meer", "geen reactie", "geen antwoord", "belachelijk", "advocaat", "waardeloos", "ontevreden", "slechte ervaring"],
            P: ["teleurstel", "ergerlijk", "geërgerd", "geergerd"],
        },
        "pl": {
            W: ["skandal", "skandaliczne", "skandaliczny", "skarga", "skargę", "skarge", "fatalny", "fatalna", "fatalnie", "okropny", "okropna", "okropnie", "beznadziejny", "beznadziejna", "beznadziejnie", "nigdy więcej", "nigdy wiecej", "brak odpowiedzi", "prawnik", "żenujące", "zenujace", "kpina", "niezadowolony", "niezadowolona", "obsługa klienta", "obsluga klienta"],
            P: ["rozczarow", "niedopuszczaln", "zdenerwow", "wściek", "wsciek", "reklamacj", "oburz"],
        },
        "sv": {
            W: ["besviken", "besvikelse", "oacceptabelt", "oacceptabel", "skandal", "skandalöst", "klagomål", "klagomal", "klaga", "dålig service", "dalig service", "kundtjänst", "kundtjanst", "arg", "förbannad", "forbannad", "aldrig mer", "inget svar", "advokat", "bedrövlig", "bedrovlig", "usel", "uselt", "missnöjd", "missnojd", "dålig upplevelse"],
            P: ["reklamation", "reklamera"],
        },
        "ja": {S: ["がっかり", "残念", "ひどい", "酷い", "最悪", "許せない", "苦情", "クレーム", "怒り", "怒って", "腹が立", "不満", "対応が悪", "二度と", "返信がない", "返事がない", "連絡がない", "弁護士", "不誠実", "ありえない", "信じられない", "消費者センター"]},
        "zh": {S: ["失望", "太差", "很差", "差劲", "差勁", "垃圾", "投诉", "投訴", "不满", "不滿", "生气", "生氣", "愤怒", "憤怒", "气死", "氣死", "再也不", "没人回复", "沒人回覆", "无人回复", "無人回覆", "律师", "律師", "差评", "差評", "太过分", "太過分", "服务态度", "服務態度", "消协", "消協"]},
        "ko": {S: ["실망", "최악", "어이없", "화가", "화나", "불만", "항의", "컴플레인", "다시는", "답변이 없", "답이 없", "연락이 없", "엉망", "변호사", "불친절", "황당", "소비자원"]},
        "th": {S: ["ผิดหวัง", "แย่มาก", "ไม่พอใจ", "ร้องเรียน", "โมโห", "โกรธ", "ไม่ซื้ออีก", "ไม่ตอบ", "ห่วย", "ทนาย", "บริการแย่", "สคบ"]},
    },
)

_set(
    "withdrawal_words",
    "Statutory withdrawal",
    "The buyer withdraws from the contract (EU right of withdrawal); also recognised as a form by the text step.",
    {
        "en": {
            W: ["withdraw from the contract", "withdraw from this contract", "withdraw from my contract", "withdraw from the purchase", "right of withdrawal", "right to withdraw", "notice of withdrawal", "hereby withdraw", "hereby give notice", "cooling-off", "cooling off", "cancellation of the contract", "cancel the contract", "cancel the purchase contract", "withdrawal"],
        },
        "de": {
            W: ["vom vertrag zurück", "vom vertrag zuruck", "vom kaufvertrag zurück", "vom kaufvertrag zuruck", "trete hiermit", "hiermit widerrufe"],
            P: ["widerruf", "widerrief", "rücktritt", "rucktritt", "ruecktritt"],
        },
        "fr": {
            W: ["droit de rétractation", "droit de retractation", "me rétracter", "me retracter", "je me rétracte", "je me retracte", "formulaire de rétractation", "formulaire de retractation", "rétractation", "retractation"],
            P: ["rétract", "retract"],
        },
        "es": {
            W: ["derecho de desistimiento", "desistimiento", "desisto", "formulario de desistimiento", "desistir del contrato"],
            P: ["desistimient"],
        },
        "it": {
            W: ["diritto di recesso", "recesso", "recedo", "recedere dal contratto", "modulo di recesso", "esercitare il recesso"],
        },
        "pt": {
            W: ["direito de livre resolução", "direito de livre resolucao", "livre resolução", "livre resolucao", "direito de arrependimento", "direito de desistência", "direito de desistencia", "resolução do contrato", "resolucao do contrato", "formulário de livre resolução"],
        },
        "nl": {
            W: ["bedenktijd", "herroepingsrecht", "herroepingsformulier", "ontbinding van de overeenkomst", "ontbind de overeenkomst"],
            P: ["herroep", "ontbinding"],
        },
        "pl": {
            W: ["odstąpienie od umowy", "odstapienie od umowy", "odstępuję od umowy", "odstepuje od umowy", "odstąpić od umowy", "odstapic od umowy", "formularz odstąpienia", "formularz odstapienia", "prawo odstąpienia", "prawo odstapienia"],
            P: ["odstąpi", "odstapi", "odstępu", "odstepu"],
        },
        "sv": {
            W: ["ångerrätt", "angerratt", "ångerrätten", "angerratten", "ångerblankett", "angerblankett", "frånträda avtalet", "frantrada avtalet", "häva köpet", "hava kopet", "utnyttja min ångerrätt"],
        },
        "ja": {S: ["クーリングオフ", "クーリング・オフ", "契約の撤回", "契約を撤回", "契約解除", "撤回します"]},
        "zh": {S: ["撤销合同", "撤銷合同", "解除合同", "撤回购买", "撤回購買", "七天无理由退货", "七天無理由退貨"]},
        "ko": {S: ["청약철회", "청약 철회", "계약 철회", "구매 철회", "계약 해제"]},
        "th": {S: ["ยกเลิกสัญญา", "ใช้สิทธิ์ยกเลิก", "ใช้สิทธิยกเลิก"]},
    },
)


def _keywords(words: dict[str, dict[str, list[str]]]) -> list[dict]:
    """Flatten to ``[{"text", "lang", "mode"}]``, each (text, lang) once (casefolded)."""
    out: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for lang, modes in words.items():
        for mode, texts in modes.items():
            for text in texts:
                text = " ".join(text.split())
                key = (text.casefold(), lang)
                if not text or key in seen:
                    continue
                seen.add(key)
                out.append({"text": text, "lang": lang, "mode": mode})
    return out


DEFAULT_KEYWORD_SETS: list[dict] = [
    {"name": name, "label": label, "description": description, "keywords": _keywords(words)}
    for name, (label, description, words) in _SETS.items()
]
