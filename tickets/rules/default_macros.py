"""The default macros the default rules send or suggest, in every language of the keyword sets.

Plain data, installed by ``defaults.install`` (data migration ``0017_default_triage``). Names differ
from the demo's macros (tickets/demo/macros.py). The macros a rule sends by itself (acknowledgement,
follow-up, customs update) use only placeholders every ticket of their kind has data for, because
``render_macro`` must be complete for an automatic reply to go out: ``{{ticket.number}}`` and
``{{store.name}}`` always, ``{{order.number}}`` and ``{{tracking.url}}`` for a parcel held in customs.
The ones a rule only suggests use more (the agent sees what is missing before sending).
"""

from __future__ import annotations

ACKNOWLEDGEMENT = "Return request received (self-service steps)"
TRACKING = "Tracking update"
AMAZON_RETURN = "Amazon return through the Returns Center (FBA)"
REPLACEMENT_OFFER = "Apology and replacement offer"
FOLLOW_UP = "Follow-up after no reply"
CUSTOMS_UPDATE = "Parcel in customs: update"

DEFAULT_MACROS: list[dict] = [
    {
        "name": ACKNOWLEDGEMENT,
        "variants": {
            "en": "Hello,\n\nthank you for your message: we have received your request ({{ticket.number}}) "
            "and will answer within one working day.\n\n"
            "To get your return ready in the meantime:\n"
            "1. Keep the item with its tags, accessories and original packaging.\n"
            "2. Keep your order number at hand; we will send you the return number and label by reply.\n"
            "3. Stick the label on the parcel and hand it to the carrier; keep the receipt.\n"
            "We refund as soon as the return has arrived and been checked.\n\n"
            "Kind regards,\n{{store.name}}",
            "de": "Hallo,\n\nvielen Dank für Ihre Nachricht: Ihre Anfrage ({{ticket.number}}) ist bei uns "
            "eingegangen, wir antworten innerhalb eines Werktags.\n\n"
            "So bereiten Sie die Rücksendung schon vor:\n"
            "1. Bewahren Sie den Artikel mit Etiketten, Zubehör und Originalverpackung auf.\n"
            "2. Halten Sie Ihre Bestellnummer bereit; die Rücksendenummer und das Etikett schicken wir "
            "Ihnen per Antwort.\n"
            "3. Kleben Sie das Etikett auf das Paket und geben Sie es beim Versanddienst ab; heben Sie "
            "den Beleg auf.\n"
            "Sobald die Rücksendung angekommen und geprüft ist, erstatten wir den Betrag.\n\n"
            "Freundliche Grüße\n{{store.name}}",
            "fr": "Bonjour,\n\nmerci pour votre message : nous avons bien reçu votre demande ({{ticket.number}}) "
            "et vous répondons sous un jour ouvré.\n\n"
            "Pour préparer votre retour d'ici là :\n"
            "1. Conservez l'article avec ses étiquettes, accessoires et emballage d'origine.\n"
            "2. Gardez votre numéro de commande sous la main ; nous vous enverrons le numéro de retour et "
            "l'étiquette en réponse.\n"
            "3. Collez l'étiquette sur le colis et déposez-le chez le transporteur ; gardez le reçu.\n"
            "Nous remboursons dès que le retour est arrivé et a été vérifié.\n\n"
            "Cordialement,\n{{store.name}}",
            "es": "Hola:\n\ngracias por su mensaje: hemos recibido su solicitud ({{ticket.number}}) y le "
            "responderemos en un día laborable.\n\n"
            "Para preparar la devolución mientras tanto:\n"
            "1. Conserve el artículo con sus etiquetas, accesorios y embalaje original.\n"
            "2. Tenga a mano su número de pedido; le enviaremos el número de devolución y la etiqueta "
            "en nuestra respuesta.\n"
            "3. Pegue la etiqueta en el paquete y entréguelo al transportista; guarde el comprobante.\n"
            "Reembolsamos en cuanto la devolución haya llegado y se haya revisado.\n\n"
            "Saludos cordiales,\n{{store.name}}",
            "it": "Buongiorno,\n\ngrazie per il messaggio: abbiamo ricevuto la sua richiesta ({{ticket.number}}) "
            "e le risponderemo entro un giorno lavorativo.\n\n"
            "Per preparare il reso nel frattempo:\n"
            "1. Conservi l'articolo con etichette, accessori e imballaggio originale.\n"
            "2. Tenga a portata di mano il numero d'ordine; le invieremo il numero di reso e l'etichetta "
            "nella risposta.\n"
            "3. Applichi l'etichetta sul pacco e lo consegni al corriere; conservi la ricevuta.\n"
            "Rimborsiamo non appena il reso è arrivato ed è stato controllato.\n\n"
            "Cordiali saluti,\n{{store.name}}",
            "pt": "Olá,\n\nobrigado pela sua mensagem: recebemos o seu pedido ({{ticket.number}}) e "
            "responderemos dentro de um dia útil.\n\n"
            "Para preparar a devolução entretanto:\n"
            "1. Guarde o artigo com etiquetas, acessórios e embalagem original.\n"
            "2. Tenha o número da encomenda à mão; enviaremos o número de devolução e a etiqueta na "
            "nossa resposta.\n"
            "3. Cole a etiqueta na embalagem e entregue-a à transportadora; guarde o comprovativo.\n"
            "Reembolsamos assim que a devolução chegar e for verificada.\n\n"
            "Com os melhores cumprimentos,\n{{store.name}}",
            "nl": "Hallo,\n\nbedankt voor uw bericht: we hebben uw verzoek ({{ticket.number}}) ontvangen en "
            "antwoorden binnen één werkdag.\n\n"
            "Zo kunt u de retour alvast voorbereiden:\n"
            "1. Bewaar het artikel met labels, accessoires en originele verpakking.\n"
            "2. Houd uw bestelnummer bij de hand; het retournummer en het label sturen we u in ons "
            "antwoord.\n"
            "3. Plak het label op het pakket en lever het in bij de vervoerder; bewaar het bewijs.\n"
            "We betalen terug zodra de retour is aangekomen en gecontroleerd.\n\n"
            "Met vriendelijke groet,\n{{store.name}}",
            "pl": "Dzień dobry,\n\ndziękujemy za wiadomość: otrzymaliśmy Państwa zgłoszenie ({{ticket.number}}) "
            "i odpowiemy w ciągu jednego dnia roboczego.\n\n"
            "Jak przygotować zwrot w międzyczasie:\n"
            "1. Proszę zachować produkt z metkami, akcesoriami i oryginalnym opakowaniem.\n"
            "2. Proszę mieć pod ręką numer zamówienia; numer zwrotu i etykietę wyślemy w odpowiedzi.\n"
            "3. Proszę nakleić etykietę na paczkę i nadać ją u przewoźnika; warto zachować potwierdzenie.\n"
            "Zwracamy pieniądze, gdy tylko zwrot dotrze i zostanie sprawdzony.\n\n"
            "Z pozdrowieniami\n{{store.name}}",
            "sv": "Hej,\n\ntack för ditt meddelande: vi har tagit emot ditt ärende ({{ticket.number}}) och "
            "svarar inom en arbetsdag.\n\n"
            "Så förbereder du returen under tiden:\n"
            "1. Spara varan med etiketter, tillbehör och originalförpackning.\n"
            "2. Ha ditt ordernummer till hands; returnumret och etiketten skickar vi i vårt svar.\n"
            "3. Sätt etiketten på paketet och lämna det till transportören; spara kvittot.\n"
            "Vi betalar tillbaka så snart returen har kommit fram och kontrollerats.\n\n"
            "Vänliga hälsningar\n{{store.name}}",
            "ja": "お問い合わせありがとうございます。ご依頼（{{ticket.number}}）を受け付けました。"
            "1営業日以内にご連絡いたします。\n\n"
            "返品のご準備として、次の点をお願いいたします。\n"
            "1. 商品はタグ、付属品、元の梱包とともに保管してください。\n"
            "2. ご注文番号をお手元にご用意ください。返品番号とラベルは返信でお送りします。\n"
            "3. ラベルを荷物に貼り、配送業者にお渡しください。控えは保管してください。\n"
            "返品が到着し確認が済み次第、返金いたします。\n\n"
            "{{store.name}}",
            "zh": "您好：\n\n感谢您的留言，我们已收到您的申请（{{ticket.number}}），将在一个工作日内回复。\n\n"
            "在此期间，您可以这样准备退货：\n"
            "1. 请保留商品及其标签、配件和原包装。\n"
            "2. 请准备好订单号；退货编号和退货标签将在回复中发送给您。\n"
            "3. 将标签贴在包裹上并交给承运商，请保留凭证。\n"
            "退货到达并检查后，我们会立即退款。\n\n"
            "{{store.name}}",
            "ko": "안녕하세요,\n\n문의해 주셔서 감사합니다. 요청({{ticket.number}})이 접수되었으며 영업일 기준 "
            "1일 이내에 답변드리겠습니다.\n\n"
            "그동안 반품을 이렇게 준비해 주세요.\n"
            "1. 상품을 태그, 구성품, 원래 포장과 함께 보관해 주세요.\n"
            "2. 주문 번호를 준비해 주세요. 반품 번호와 라벨은 답장으로 보내드립니다.\n"
            "3. 라벨을 상자에 붙여 택배사에 전달하고 영수증을 보관해 주세요.\n"
            "반품이 도착하여 확인되는 대로 환불해 드립니다.\n\n"
            "{{store.name}}",
            "th": "สวัสดีค่ะ\n\nขอบคุณสำหรับข้อความ เราได้รับคำขอของคุณ ({{ticket.number}}) แล้ว "
            "และจะตอบกลับภายในหนึ่งวันทำการ\n\n"
            "ระหว่างนี้ คุณสามารถเตรียมการคืนสินค้าได้ดังนี้\n"
            "1. เก็บสินค้าพร้อมป้าย อุปกรณ์เสริม และบรรจุภัณฑ์เดิมไว้\n"
            "2. เตรียมหมายเลขคำสั่งซื้อไว้ เราจะส่งหมายเลขการคืนสินค้าและฉลากให้ในการตอบกลับ\n"
            "3. ติดฉลากบนพัสดุแล้วส่งให้บริษัทขนส่ง และเก็บหลักฐานการส่งไว้\n"
            "เราจะคืนเงินทันทีที่ได้รับและตรวจสอบสินค้าที่ส่งคืนแล้ว\n\n"
            "{{store.name}}",
        },
    },
    {
        "name": TRACKING,
        "variants": {
            "en": "Hi {{customer.first_name}},\n\nthank you for your patience. Your order {{order.number}} is on "
            "its way with {{tracking.carrier}}; you can follow it here: {{tracking.url}}\n\n"
            "If it has not arrived within a few days, just reply and we will look into it with the carrier.\n\n"
            "Kind regards,\n{{agent.name}}",
            "de": "Hallo {{customer.first_name}},\n\ndanke für Ihre Geduld. Ihre Bestellung {{order.number}} ist "
            "mit {{tracking.carrier}} unterwegs; hier können Sie sie verfolgen: {{tracking.url}}\n\n"
            "Falls sie in einigen Tagen nicht angekommen ist, antworten Sie einfach, dann klären wir es mit "
            "dem Versanddienst.\n\nFreundliche Grüße\n{{agent.name}}",
            "fr": "Bonjour {{customer.first_name}},\n\nmerci de votre patience. Votre commande {{order.number}} "
            "est en route avec {{tracking.carrier}} ; vous pouvez la suivre ici : {{tracking.url}}\n\n"
            "Si elle n'est pas arrivée d'ici quelques jours, répondez simplement et nous verrons avec le "
            "transporteur.\n\nCordialement,\n{{agent.name}}",
            "es": "Hola {{customer.first_name}}:\n\ngracias por su paciencia. Su pedido {{order.number}} está en "
            "camino con {{tracking.carrier}}; puede seguirlo aquí: {{tracking.url}}\n\n"
            "Si no ha llegado en unos días, responda a este mensaje y lo revisaremos con el transportista.\n\n"
            "Saludos cordiales,\n{{agent.name}}",
            "it": "Buongiorno {{customer.first_name}},\n\ngrazie per la pazienza. Il suo ordine {{order.number}} "
            "è in viaggio con {{tracking.carrier}}; può seguirlo qui: {{tracking.url}}\n\n"
            "Se non arriva entro qualche giorno, risponda a questo messaggio e verificheremo con il corriere.\n\n"
            "Cordiali saluti,\n{{agent.name}}",
            "pt": "Olá {{customer.first_name}},\n\nobrigado pela sua paciência. A sua encomenda {{order.number}} "
            "está a caminho com a {{tracking.carrier}}; pode acompanhá-la aqui: {{tracking.url}}\n\n"
            "Se não chegar dentro de alguns dias, responda a esta mensagem e verificaremos com a "
            "transportadora.\n\nCom os melhores cumprimentos,\n{{agent.name}}",
            "nl": "Hallo {{customer.first_name}},\n\nbedankt voor uw geduld. Uw bestelling {{order.number}} is "
            "onderweg met {{tracking.carrier}}; u kunt hem hier volgen: {{tracking.url}}\n\n"
            "Is hij over een paar dagen nog niet binnen, antwoord dan gewoon en we zoeken het uit met de "
            "vervoerder.\n\nMet vriendelijke groet,\n{{agent.name}}",
            "pl": "Dzień dobry {{customer.first_name}},\n\ndziękujemy za cierpliwość. Zamówienie {{order.number}} "
            "jest w drodze z {{tracking.carrier}}; można je śledzić tutaj: {{tracking.url}}\n\n"
            "Jeśli nie dotrze w ciągu kilku dni, prosimy o odpowiedź, a wyjaśnimy to z przewoźnikiem.\n\n"
            "Z pozdrowieniami\n{{agent.name}}",
            "sv": "Hej {{customer.first_name}},\n\ntack för ditt tålamod. Din beställning {{order.number}} är på "
            "väg med {{tracking.carrier}}; du kan följa den här: {{tracking.url}}\n\n"
            "Om den inte har kommit fram inom några dagar, svara bara så tar vi det med transportören.\n\n"
            "Vänliga hälsningar\n{{agent.name}}",
            "ja": "{{customer.name}} 様\n\nお待たせしております。ご注文 {{order.number}} は {{tracking.carrier}} "
            "にて配送中です。こちらで配送状況をご確認いただけます: {{tracking.url}}\n\n"
            "数日以内に届かない場合は、このメールにご返信ください。配送業者に確認いたします。\n\n{{agent.name}}",
            "zh": "{{customer.name}} 您好：\n\n感谢您的耐心等待。您的订单 {{order.number}} 正由 {{tracking.carrier}} "
            "派送中，可在此查询物流：{{tracking.url}}\n\n如几天内仍未收到，请直接回复，我们会向承运商核实。\n\n"
            "{{agent.name}}",
            "ko": "{{customer.name}} 님, 안녕하세요.\n\n기다려 주셔서 감사합니다. 주문 {{order.number}}은(는) "
            "{{tracking.carrier}}을(를) 통해 배송 중이며 여기에서 조회하실 수 있습니다: {{tracking.url}}\n\n"
            "며칠 내에 도착하지 않으면 이 메일에 답장해 주세요. 택배사에 확인해 드리겠습니다.\n\n{{agent.name}}",
            "th": "สวัสดีค่ะ คุณ{{customer.first_name}}\n\nขอบคุณที่รอค่ะ คำสั่งซื้อ {{order.number}} "
            "กำลังจัดส่งโดย {{tracking.carrier}} ติดตามพัสดุได้ที่: {{tracking.url}}\n\n"
            "หากยังไม่ได้รับภายในไม่กี่วัน ตอบกลับข้อความนี้ได้เลย เราจะตรวจสอบกับบริษัทขนส่งให้ค่ะ\n\n"
            "{{agent.name}}",
        },
    },
    {
        "name": AMAZON_RETURN,
        "variants": {
            "en": "Hi {{customer.first_name}},\n\nyour order {{order.number}} was shipped by Amazon, so its return "
            "goes through Amazon's Returns Center: sign in to Amazon, open Your Orders, choose "
            "“Return or replace items” next to order {{order.number}}, pick the reason and print the "
            "label Amazon gives you. Amazon refunds you once the parcel is back in its warehouse.\n\n"
            "Kind regards,\n{{agent.name}}",
            "de": "Hallo {{customer.first_name}},\n\nIhre Bestellung {{order.number}} wurde von Amazon versandt, "
            "daher läuft die Rücksendung über das Amazon-Rücksendezentrum: Melden Sie sich bei Amazon an, "
            "öffnen Sie „Meine Bestellungen“, wählen Sie bei Bestellung {{order.number}} „Artikel "
            "zurücksenden oder ersetzen“, geben Sie den Grund an und drucken Sie das Etikett von Amazon. "
            "Amazon erstattet den Betrag, sobald das Paket im Lager angekommen ist.\n\n"
            "Freundliche Grüße\n{{agent.name}}",
            "fr": "Bonjour {{customer.first_name}},\n\nvotre commande {{order.number}} a été expédiée par Amazon : "
            "son retour passe donc par le Centre de retours Amazon. Connectez-vous à Amazon, ouvrez « Vos "
            "commandes », choisissez « Retourner ou remplacer des articles » pour la commande "
            "{{order.number}}, indiquez le motif et imprimez l'étiquette fournie. Amazon vous rembourse dès "
            "que le colis est de retour dans son entrepôt.\n\nCordialement,\n{{agent.name}}",
            "es": "Hola {{customer.first_name}}:\n\nsu pedido {{order.number}} lo envió Amazon, así que la "
            "devolución se hace en el Centro de devoluciones de Amazon: inicie sesión en Amazon, abra «Mis "
            "pedidos», elija «Devolver o reemplazar productos» en el pedido {{order.number}}, indique el "
            "motivo e imprima la etiqueta que le da Amazon. Amazon le reembolsa cuando el paquete vuelve a "
            "su almacén.\n\nSaludos cordiales,\n{{agent.name}}",
            "it": "Buongiorno {{customer.first_name}},\n\nil suo ordine {{order.number}} è stato spedito da Amazon, "
            "quindi il reso passa dal Centro resi di Amazon: acceda ad Amazon, apra «I miei ordini», scelga "
            "«Restituisci o sostituisci articoli» per l'ordine {{order.number}}, indichi il motivo e stampi "
            "l'etichetta fornita da Amazon. Amazon la rimborsa quando il pacco torna nel suo magazzino.\n\n"
            "Cordiali saluti,\n{{agent.name}}",
            "pt": "Olá {{customer.first_name}},\n\na sua encomenda {{order.number}} foi enviada pela Amazon, por "
            "isso a devolução é feita no Centro de devoluções da Amazon: inicie sessão na Amazon, abra "
            "«Os meus pedidos», escolha «Devolver ou substituir artigos» na encomenda {{order.number}}, "
            "indique o motivo e imprima a etiqueta da Amazon. A Amazon reembolsa quando a encomenda "
            "regressa ao armazém.\n\nCom os melhores cumprimentos,\n{{agent.name}}",
            "nl": "Hallo {{customer.first_name}},\n\nuw bestelling {{order.number}} is door Amazon verzonden, dus "
            "de retour loopt via het Amazon Retourcentrum: log in bij Amazon, open „Mijn bestellingen”, kies "
            "„Artikelen retourneren of vervangen” bij bestelling {{order.number}}, geef de reden op en print "
            "het label van Amazon. Amazon betaalt u terug zodra het pakket terug is in het magazijn.\n\n"
            "Met vriendelijke groet,\n{{agent.name}}",
            "pl": "Dzień dobry {{customer.first_name}},\n\nzamówienie {{order.number}} wysłał Amazon, więc zwrot "
            "odbywa się przez Centrum zwrotów Amazon: proszę zalogować się w Amazon, otworzyć „Moje "
            "zamówienia”, wybrać „Zwróć lub wymień produkty” przy zamówieniu {{order.number}}, podać powód "
            "i wydrukować etykietę od Amazon. Amazon zwraca pieniądze, gdy paczka wróci do magazynu.\n\n"
            "Z pozdrowieniami\n{{agent.name}}",
            "sv": "Hej {{customer.first_name}},\n\ndin beställning {{order.number}} skickades av Amazon, så returen "
            "görs via Amazons returcenter: logga in på Amazon, öppna ”Dina beställningar”, välj ”Returnera "
            "eller ersätt artiklar” vid beställning {{order.number}}, ange orsaken och skriv ut etiketten "
            "från Amazon. Amazon betalar tillbaka när paketet är tillbaka i lagret.\n\n"
            "Vänliga hälsningar\n{{agent.name}}",
            "ja": "{{customer.name}} 様\n\nご注文 {{order.number}} は Amazon から発送されたため、返品は Amazon の"
            "返品センターからお手続きください。Amazon にログインし「注文履歴」で注文 {{order.number}} の"
            "「商品の返品・交換」を選び、理由を選択して Amazon の返品ラベルを印刷してください。商品が Amazon の"
            "倉庫に届き次第、Amazon から返金されます。\n\n{{agent.name}}",
            "zh": "{{customer.name}} 您好：\n\n您的订单 {{order.number}} 由亚马逊发货，因此退货需通过亚马逊退货中心办理："
            "登录亚马逊，打开“我的订单”，在订单 {{order.number}} 旁选择“退货或换货”，选择原因并打印亚马逊提供的"
            "退货标签。包裹退回亚马逊仓库后，亚马逊会为您退款。\n\n{{agent.name}}",
            "ko": "{{customer.name}} 님, 안녕하세요.\n\n주문 {{order.number}}은(는) 아마존이 발송했으므로 반품은 아마존 "
            "반품 센터에서 진행됩니다. 아마존에 로그인하여 ‘주문 내역’에서 주문 {{order.number}}의 ‘상품 반품 또는 "
            "교환’을 선택하고 사유를 고른 뒤 아마존 반품 라벨을 인쇄해 주세요. 상품이 아마존 창고에 도착하면 "
            "아마존에서 환불해 드립니다.\n\n{{agent.name}}",
            "th": "สวัสดีค่ะ คุณ{{customer.first_name}}\n\nคำสั่งซื้อ {{order.number}} จัดส่งโดย Amazon "
            "การคืนสินค้าจึงต้องทำผ่านศูนย์คืนสินค้าของ Amazon: เข้าสู่ระบบ Amazon เปิด “คำสั่งซื้อของคุณ” "
            "เลือก “คืนหรือเปลี่ยนสินค้า” ที่คำสั่งซื้อ {{order.number}} เลือกเหตุผล แล้วพิมพ์ฉลากจาก Amazon "
            "Amazon จะคืนเงินเมื่อพัสดุกลับถึงคลังสินค้า\n\n{{agent.name}}",
        },
    },
    {
        "name": REPLACEMENT_OFFER,
        "variants": {
            "en": "Hi {{customer.first_name}},\n\nwe are very sorry that your order {{order.number}} arrived "
            "damaged. We would like to send you a replacement of {{order.items}} at no cost, and you do not "
            "need to send the damaged one back. A photo of the damage and of the box helps us with the "
            "carrier. Reply to confirm your address, or tell us if you would rather have a refund.\n\n"
            "Kind regards,\n{{agent.name}}",
            "de": "Hallo {{customer.first_name}},\n\nes tut uns sehr leid, dass Ihre Bestellung {{order.number}} "
            "beschädigt angekommen ist. Wir schicken Ihnen gern kostenlos Ersatz für {{order.items}}; den "
            "beschädigten Artikel müssen Sie nicht zurücksenden. Ein Foto des Schadens und des Kartons hilft "
            "uns beim Versanddienst. Bestätigen Sie bitte kurz Ihre Adresse, oder sagen Sie uns, wenn Sie "
            "lieber eine Erstattung möchten.\n\nFreundliche Grüße\n{{agent.name}}",
            "fr": "Bonjour {{customer.first_name}},\n\nnous sommes vraiment désolés que votre commande "
            "{{order.number}} soit arrivée endommagée. Nous vous envoyons volontiers gratuitement un "
            "remplacement de {{order.items}}, sans que vous ayez à nous renvoyer l'article abîmé. Une photo "
            "des dégâts et du carton nous aide auprès du transporteur. Confirmez-nous votre adresse, ou "
            "dites-nous si vous préférez un remboursement.\n\nCordialement,\n{{agent.name}}",
            "es": "Hola {{customer.first_name}}:\n\nsentimos mucho que su pedido {{order.number}} llegara dañado. "
            "Le enviamos sin coste un reemplazo de {{order.items}} y no necesita devolver el artículo dañado. "
            "Una foto del daño y de la caja nos ayuda con el transportista. Confírmenos su dirección o "
            "díganos si prefiere un reembolso.\n\nSaludos cordiales,\n{{agent.name}}",
            "it": "Buongiorno {{customer.first_name}},\n\nci dispiace molto che il suo ordine {{order.number}} sia "
            "arrivato danneggiato. Le inviamo gratuitamente una sostituzione di {{order.items}} e non deve "
            "restituire l'articolo danneggiato. Una foto del danno e della scatola ci aiuta con il corriere. "
            "Ci confermi l'indirizzo, oppure ci dica se preferisce un rimborso.\n\n"
            "Cordiali saluti,\n{{agent.name}}",
            "pt": "Olá {{customer.first_name}},\n\nlamentamos muito que a sua encomenda {{order.number}} tenha "
            "chegado danificada. Enviamos gratuitamente uma substituição de {{order.items}} e não precisa de "
            "devolver o artigo danificado. Uma foto do dano e da caixa ajuda-nos junto da transportadora. "
            "Confirme a sua morada ou diga-nos se prefere um reembolso.\n\n"
            "Com os melhores cumprimentos,\n{{agent.name}}",
            "nl": "Hallo {{customer.first_name}},\n\nhet spijt ons erg dat uw bestelling {{order.number}} "
            "beschadigd is aangekomen. We sturen u kosteloos een vervanging van {{order.items}}; het "
            "beschadigde artikel hoeft u niet terug te sturen. Een foto van de schade en de doos helpt ons "
            "bij de vervoerder. Bevestig uw adres, of laat ons weten als u liever uw geld terug wilt.\n\n"
            "Met vriendelijke groet,\n{{agent.name}}",
            "pl": "Dzień dobry {{customer.first_name}},\n\nbardzo przepraszamy, że zamówienie {{order.number}} "
            "dotarło uszkodzone. Bezpłatnie wyślemy nowy egzemplarz: {{order.items}}; uszkodzonego produktu "
            "nie trzeba odsyłać. Zdjęcie uszkodzenia i kartonu pomoże nam w rozmowie z przewoźnikiem. "
            "Prosimy potwierdzić adres albo dać znać, jeśli woli Pan/Pani zwrot pieniędzy.\n\n"
            "Z pozdrowieniami\n{{agent.name}}",
            "sv": "Hej {{customer.first_name}},\n\nvi beklagar verkligen att din beställning {{order.number}} kom "
            "fram skadad. Vi skickar gärna en ersättning för {{order.items}} utan kostnad, och du behöver inte "
            "skicka tillbaka den skadade varan. Ett foto på skadan och kartongen hjälper oss mot "
            "transportören. Bekräfta din adress, eller säg till om du hellre vill ha pengarna tillbaka.\n\n"
            "Vänliga hälsningar\n{{agent.name}}",
            "ja": "{{customer.name}} 様\n\nご注文 {{order.number}} の商品が破損した状態で届き、誠に申し訳ございません。"
            "{{order.items}} の代替品を無料でお送りいたします。破損品のご返送は不要です。破損箇所と外箱の写真を"
            "お送りいただけますと、配送業者への申請に役立ちます。お届け先のご確認、または返金をご希望の場合は"
            "ご返信ください。\n\n{{agent.name}}",
            "zh": "{{customer.name}} 您好：\n\n非常抱歉您的订单 {{order.number}} 到货时已损坏。我们将免费为您补发 "
            "{{order.items}}，损坏的商品无需寄回。请发送损坏处和外箱的照片，以便我们向承运商索赔。请回复确认您的"
            "地址；如您更希望退款，也请告诉我们。\n\n{{agent.name}}",
            "ko": "{{customer.name}} 님, 안녕하세요.\n\n주문 {{order.number}} 상품이 파손된 상태로 도착하여 진심으로 "
            "사과드립니다. {{order.items}}을(를) 무료로 재발송해 드리며, 파손된 상품은 반송하지 않으셔도 됩니다. "
            "파손 부위와 상자 사진을 보내 주시면 택배사 처리에 도움이 됩니다. 주소를 확인해 주시거나 환불을 "
            "원하시면 알려 주세요.\n\n{{agent.name}}",
            "th": "สวัสดีค่ะ คุณ{{customer.first_name}}\n\nต้องขออภัยเป็นอย่างยิ่งที่คำสั่งซื้อ {{order.number}} "
            "ได้รับความเสียหาย เราจะส่งสินค้าใหม่ ({{order.items}}) ให้โดยไม่มีค่าใช้จ่าย และไม่ต้องส่งสินค้าที่เสียหายคืน "
            "รบกวนส่งรูปความเสียหายและกล่องมาเพื่อใช้เรียกร้องกับบริษัทขนส่ง กรุณายืนยันที่อยู่ "
            "หรือแจ้งเราหากต้องการรับเงินคืนแทนค่ะ\n\n{{agent.name}}",
        },
    },
    {
        "name": FOLLOW_UP,
        "variants": {
            "en": "Hello,\n\nwe have not heard back from you about your request {{ticket.number}}. Is there "
            "anything else we can do for you? Just reply to this message. If we do not hear from you, we "
            "will close the request in a few days; a reply reopens it at any time.\n\n"
            "Kind regards,\n{{store.name}}",
            "de": "Hallo,\n\nwir haben zu Ihrer Anfrage {{ticket.number}} noch nichts von Ihnen gehört. Können wir "
            "noch etwas für Sie tun? Antworten Sie einfach auf diese Nachricht. Hören wir nichts von Ihnen, "
            "schließen wir die Anfrage in einigen Tagen; eine Antwort öffnet sie jederzeit wieder.\n\n"
            "Freundliche Grüße\n{{store.name}}",
            "fr": "Bonjour,\n\nnous n'avons pas eu de nouvelles de votre part concernant votre demande "
            "{{ticket.number}}. Pouvons-nous encore vous aider ? Répondez simplement à ce message. Sans "
            "réponse, nous clôturerons la demande dans quelques jours ; une réponse la rouvre à tout moment.\n\n"
            "Cordialement,\n{{store.name}}",
            "es": "Hola:\n\nno hemos vuelto a saber de usted sobre su solicitud {{ticket.number}}. ¿Podemos ayudarle "
            "en algo más? Responda a este mensaje. Si no recibimos respuesta, cerraremos la solicitud en unos "
            "días; una respuesta la vuelve a abrir en cualquier momento.\n\nSaludos cordiales,\n{{store.name}}",
            "it": "Buongiorno,\n\nnon abbiamo più avuto sue notizie sulla richiesta {{ticket.number}}. Possiamo fare "
            "altro per lei? Risponda semplicemente a questo messaggio. Senza risposta chiuderemo la richiesta "
            "tra qualche giorno; una risposta la riapre in qualsiasi momento.\n\nCordiali saluti,\n{{store.name}}",
            "pt": "Olá,\n\nainda não tivemos notícias suas sobre o pedido {{ticket.number}}. Podemos ajudar em mais "
            "alguma coisa? Basta responder a esta mensagem. Sem resposta, fecharemos o pedido dentro de alguns "
            "dias; uma resposta reabre-o a qualquer momento.\n\nCom os melhores cumprimentos,\n{{store.name}}",
            "nl": "Hallo,\n\nwe hebben nog niets van u gehoord over uw verzoek {{ticket.number}}. Kunnen we nog iets "
            "voor u doen? Antwoord gewoon op dit bericht. Horen we niets, dan sluiten we het verzoek over een "
            "paar dagen; een antwoord opent het altijd weer.\n\nMet vriendelijke groet,\n{{store.name}}",
            "pl": "Dzień dobry,\n\nnie otrzymaliśmy odpowiedzi w sprawie zgłoszenia {{ticket.number}}. Czy możemy "
            "jeszcze w czymś pomóc? Wystarczy odpowiedzieć na tę wiadomość. Bez odpowiedzi zamkniemy "
            "zgłoszenie za kilka dni; odpowiedź otworzy je ponownie w każdej chwili.\n\n"
            "Z pozdrowieniami\n{{store.name}}",
            "sv": "Hej,\n\nvi har inte hört av dig om ditt ärende {{ticket.number}}. Kan vi hjälpa till med något "
            "mer? Svara bara på det här meddelandet. Hör vi inget stänger vi ärendet om några dagar; ett svar "
            "öppnar det igen när som helst.\n\nVänliga hälsningar\n{{store.name}}",
            "ja": "お問い合わせ（{{ticket.number}}）について、その後いかがでしょうか。ほかにお手伝いできることが"
            "ございましたら、このメールにご返信ください。ご返信がない場合、数日後にお問い合わせを終了いたします。"
            "ご返信いただければいつでも再開いたします。\n\n{{store.name}}",
            "zh": "您好：\n\n关于您的申请 {{ticket.number}}，我们尚未收到您的回复。还有什么可以帮您的吗？直接回复此消息即可。"
            "如未收到回复，我们将在几天后关闭该申请；您随时回复即可重新打开。\n\n{{store.name}}",
            "ko": "안녕하세요,\n\n요청 {{ticket.number}}에 대한 회신을 아직 받지 못했습니다. 더 도와드릴 일이 있으신가요? "
            "이 메일에 답장해 주세요. 회신이 없으면 며칠 후 요청을 종료하며, 답장하시면 언제든 다시 열립니다.\n\n"
            "{{store.name}}",
            "th": "สวัสดีค่ะ\n\nเรายังไม่ได้รับการตอบกลับเกี่ยวกับคำขอ {{ticket.number}} มีอะไรให้เราช่วยเพิ่มเติมไหมคะ "
            "ตอบกลับข้อความนี้ได้เลย หากไม่ได้รับการตอบกลับ เราจะปิดคำขอในอีกไม่กี่วัน "
            "และเปิดใหม่ได้ทุกเมื่อเมื่อคุณตอบกลับ\n\n{{store.name}}",
        },
    },
    {
        "name": CUSTOMS_UPDATE,
        "variants": {
            "en": "Hello,\n\na quick update on your order {{order.number}}: the parcel is with customs. This is "
            "normal for international shipments and usually takes a few working days. If customs or the "
            "carrier ask you for import duties, VAT or a document, please reply to this message before you "
            "pay, so we can help. You can follow the parcel here: {{tracking.url}}\n\n"
            "Kind regards,\n{{store.name}}",
            "de": "Hallo,\n\nein kurzer Stand zu Ihrer Bestellung {{order.number}}: Das Paket liegt beim Zoll. Das "
            "ist bei internationalen Sendungen üblich und dauert meist einige Werktage. Falls Zoll oder "
            "Versanddienst Einfuhrabgaben, Einfuhrumsatzsteuer oder ein Dokument verlangen, antworten Sie "
            "bitte vor der Zahlung auf diese Nachricht, damit wir helfen können. Hier können Sie das Paket "
            "verfolgen: {{tracking.url}}\n\nFreundliche Grüße\n{{store.name}}",
            "fr": "Bonjour,\n\ndes nouvelles de votre commande {{order.number}} : le colis est en douane. C'est "
            "habituel pour les envois internationaux et prend en général quelques jours ouvrés. Si la douane "
            "ou le transporteur vous demande des droits, la TVA ou un document, répondez à ce message avant "
            "de payer afin que nous puissions vous aider. Suivi du colis : {{tracking.url}}\n\n"
            "Cordialement,\n{{store.name}}",
            "es": "Hola:\n\nle informamos sobre su pedido {{order.number}}: el paquete está en la aduana. Es normal "
            "en los envíos internacionales y suele tardar unos días laborables. Si la aduana o el "
            "transportista le piden aranceles, IVA o un documento, responda a este mensaje antes de pagar "
            "para que podamos ayudarle. Puede seguir el paquete aquí: {{tracking.url}}\n\n"
            "Saludos cordiales,\n{{store.name}}",
            "it": "Buongiorno,\n\nun aggiornamento sul suo ordine {{order.number}}: il pacco è in dogana. È normale "
            "per le spedizioni internazionali e di solito richiede qualche giorno lavorativo. Se la dogana o "
            "il corriere le chiedono dazi, IVA o un documento, risponda a questo messaggio prima di pagare, "
            "così possiamo aiutarla. Può seguire il pacco qui: {{tracking.url}}\n\nCordiali saluti,\n{{store.name}}",
            "pt": "Olá,\n\numa atualização sobre a sua encomenda {{order.number}}: a encomenda está na alfândega. É "
            "normal em envios internacionais e costuma demorar alguns dias úteis. Se a alfândega ou a "
            "transportadora pedirem taxas de importação, IVA ou um documento, responda a esta mensagem antes "
            "de pagar para que possamos ajudar. Pode acompanhar a encomenda aqui: {{tracking.url}}\n\n"
            "Com os melhores cumprimentos,\n{{store.name}}",
            "nl": "Hallo,\n\neen korte update over uw bestelling {{order.number}}: het pakket ligt bij de douane. Dat "
            "is gebruikelijk bij internationale zendingen en duurt meestal een paar werkdagen. Vragen de "
            "douane of de vervoerder om invoerrechten, btw of een document, antwoord dan op dit bericht voordat "
            "u betaalt, zodat we kunnen helpen. U kunt het pakket hier volgen: {{tracking.url}}\n\n"
            "Met vriendelijke groet,\n{{store.name}}",
            "pl": "Dzień dobry,\n\ninformacja o zamówieniu {{order.number}}: paczka jest w urzędzie celnym. To "
            "normalne przy przesyłkach międzynarodowych i zwykle trwa kilka dni roboczych. Jeśli urząd celny "
            "lub przewoźnik poprosi o cło, VAT lub dokument, prosimy odpowiedzieć na tę wiadomość przed "
            "zapłatą, abyśmy mogli pomóc. Paczkę można śledzić tutaj: {{tracking.url}}\n\n"
            "Z pozdrowieniami\n{{store.name}}",
            "sv": "Hej,\n\nen kort uppdatering om din beställning {{order.number}}: paketet ligger i tullen. Det är "
            "vanligt för internationella försändelser och tar oftast några arbetsdagar. Om tullen eller "
            "transportören ber om tull, moms eller ett dokument, svara på det här meddelandet innan du "
            "betalar så hjälper vi dig. Du kan följa paketet här: {{tracking.url}}\n\n"
            "Vänliga hälsningar\n{{store.name}}",
            "ja": "ご注文 {{order.number}} についてのお知らせです。お荷物は現在、税関で通関手続き中です。国際配送では"
            "よくあることで、通常は数営業日かかります。税関または配送業者から関税・消費税や書類を求められた場合は、"
            "お支払いの前にこのメールにご返信ください。お手伝いいたします。配送状況: {{tracking.url}}\n\n{{store.name}}",
            "zh": "您好：\n\n关于您的订单 {{order.number}}：包裹目前正在海关清关。这在国际运输中很常见，通常需要几个工作日。"
            "如海关或承运商要求您支付关税、增值税或提供文件，请在付款前回复此消息，我们会协助您。物流查询："
            "{{tracking.url}}\n\n{{store.name}}",
            "ko": "안녕하세요,\n\n주문 {{order.number}} 안내드립니다. 소포가 현재 세관 통관 중입니다. 해외 배송에서는 흔한 "
            "일이며 보통 영업일 기준 며칠이 걸립니다. 세관이나 택배사에서 관세, 부가세 또는 서류를 요청하면 결제 전에 "
            "이 메일에 답장해 주세요. 도와드리겠습니다. 배송 조회: {{tracking.url}}\n\n{{store.name}}",
            "th": "สวัสดีค่ะ\n\nแจ้งความคืบหน้าคำสั่งซื้อ {{order.number}}: พัสดุอยู่ระหว่างผ่านพิธีการศุลกากร "
            "ซึ่งเป็นเรื่องปกติสำหรับการจัดส่งระหว่างประเทศ และมักใช้เวลาไม่กี่วันทำการ หากศุลกากรหรือบริษัทขนส่ง"
            "ขอให้ชำระภาษีนำเข้า ภาษีมูลค่าเพิ่ม หรือขอเอกสาร กรุณาตอบกลับข้อความนี้ก่อนชำระเงินเพื่อให้เราช่วยดูแล "
            "ติดตามพัสดุได้ที่: {{tracking.url}}\n\n{{store.name}}",
        },
    },
]
