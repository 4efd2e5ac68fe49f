"""German demo conversations (with a few long compound words, to stress layouts)."""

from . import Conversation, LanguagePack

PACK = LanguagePack(
    code="de",
    name_style="full",
    closing="Vielen Dank für Ihre Rückmeldung, {name}! Bei uns ist jetzt alles erledigt. Falls noch etwas ist, antworten Sie einfach auf diese Nachricht.\n\nViele Grüße\n{agent}",
    texts={
        "wismo": Conversation(
            subject="Wo bleibt meine Bestellung {order}?",
            message="Guten Tag, ich habe vor über einer Woche bestellt und die Sendungsverfolgung bewegt sich seit fünf Tagen nicht. Wo ist mein Paket? Ich brauche es bis zum Wochenende.",
            reply="Hallo {name},\n\nentschuldigen Sie bitte die Wartezeit. Ihr Paket liegt bei {carrier} (Sendungsverfolgungsnummer {tracking}) offenbar in einem Verteilzentrum fest. Ich habe einen Nachforschungsauftrag gestellt und melde mich, sobald ich Neues weiß.\n\nViele Grüße\n{agent}",
            followup="Das Paket ist heute angekommen, danke fürs Nachhaken!",
        ),
        "wrong_size": Conversation(
            subject="Falsche Größe – Umtausch möglich?",
            message="Hallo, „{item}“ fällt viel zu klein aus, obwohl ich bei allen anderen Marken diese Größe trage. Kann ich den Artikel gegen eine Nummer größer umtauschen? Die Etiketten sind noch dran.",
            reply="Hallo {name},\n\nselbstverständlich! Ich habe die Rücksendung {rma} angelegt, das kostenlose Rücksendeetikett finden Sie im Anhang. Sobald das Paket eingescannt ist, schicken wir Ihnen die nächste Größe ohne Aufpreis.\n\nViele Grüße\n{agent}",
            followup="Habe das Paket heute bei der Packstation abgegeben. Wann wird die neue Größe verschickt?",
        ),
        "arrived_broken": Conversation(
            subject="Ware beschädigt angekommen",
            message="Mein Artikel „{item}“ ist heute kaputt angekommen, der Karton war an einer Seite völlig eingedrückt. Es sollte ein Geschenk sein, ich bin wirklich enttäuscht. Ich möchte bitte mein Geld zurück.",
            reply="Hallo {name},\n\ndas tut mir sehr leid. Könnten Sie uns ein Foto vom Artikel und vom Außenkarton mit dem Versandetikett schicken? Dann veranlasse ich die Erstattung sofort – zurückschicken müssen Sie nichts.\n\nViele Grüße\n{agent}",
            followup="Fotos anbei. Man sieht die Delle im Karton und das gebrochene Teil.",
        ),
        "customs_fee": Conversation(
            subject="Zollgebühren bei Lieferung bezahlt",
            message="Der Paketbote wollte das Paket erst nach Zahlung der Einfuhrumsatzsteuer und einer Zollabfertigungsgebühr herausgeben. Im Shop stand, dass alle Zölle inklusive sind! Ich möchte das Geld zurück.",
            reply="Hallo {name},\n\nSie haben recht, für Ihr Land hätten die Zölle inklusive sein müssen – entschuldigen Sie bitte. Schicken Sie mir einfach ein Foto des Belegs von {carrier}, dann erstatten wir Ihnen die Gebühr vollständig.\n\nViele Grüße\n{agent}",
            followup="Anbei der Einfuhrumsatzsteuerbescheid vom Paketdienst. Danke fürs Kümmern.",
        ),
        "want_refund": Conversation(
            subject="Bestellung stornieren und Geld zurück",
            message="Hallo, ich habe die Bestellung {order} gestern versehentlich doppelt aufgegeben. Bitte stornieren Sie sie und erstatten Sie mir den Betrag. Danke!",
            reply="Hallo {name},\n\nkein Problem – die Bestellung {order} hat unser Lager noch nicht verlassen. Ich habe sie storniert und die volle Erstattung von {amount} veranlasst. Das Geld ist in der Regel nach 3–5 Werktagen auf Ihrem Konto.\n\nViele Grüße\n{agent}",
            followup="Super, danke! Bekomme ich eine Bestätigung, wenn die Rückerstattung durch ist?",
        ),
        "not_as_described": Conversation(
            subject="Artikel entspricht nicht der Beschreibung",
            message="Der Artikel „{item}“ sieht ganz anders aus als auf den Fotos. Die Farbe ist viel dunkler und das Material fühlt sich billig an. Ich möchte ihn zurückgeben.",
            reply="Hallo {name},\n\nes tut mir leid, dass der Artikel nicht Ihren Erwartungen entspricht. Ich habe die Rücksendung {rma} angelegt; bitte verwenden Sie das angehängte Rücksendeetikett. Sobald die Ware im Lager ist, erstatten wir den vollen Betrag.\n\nViele Grüße\n{agent}",
            followup="Habe es heute mit Ihrem Etikett zurückgeschickt.",
        ),
        "late": Conversation(
            subject="Lieferung verspätet – brauche sie bis Freitag",
            message="Ich habe für Expressversand bezahlt und die Bestellung ist jetzt vier Tage überfällig. Am Freitag fahre ich in die Berge und habe „{item}“ extra dafür gekauft. Kommt das Paket noch rechtzeitig?",
            reply="Hallo {name},\n\nich verstehe die Dringlichkeit. {carrier} hat bestätigt, dass das Paket ({tracking}) das Verteilzentrum wieder verlassen hat und in zwei Tagen bei Ihnen sein sollte. Falls es zu spät kommt, nehmen wir es kostenlos zurück.\n\nViele Grüße\n{agent}",
            followup="Kam gestern an, gerade noch rechtzeitig. Danke!",
        ),
        "changed_mind": Conversation(
            subject="Rücksendung",
            message="Guten Tag, ich möchte „{item}“ zurückschicken. Der Artikel ist in Ordnung, ich brauche ihn nur doch nicht. Unbenutzt und originalverpackt.",
            reply="Hallo {name},\n\nkein Problem, Sie sind innerhalb unserer Rückgabefrist von {days} Tagen. Ihre Rücksendenummer ist {rma}; bitte schreiben Sie sie gut lesbar auf das Paket. Die Rücksendekosten tragen Sie bei einem Widerruf selbst.\n\nViele Grüße\n{agent}",
            followup="Paket ist heute zur Post gegangen.",
        ),
        "chargeback": Conversation(
            subject="Bestellung nie angekommen – ich buche das Geld zurück",
            message="Ich warte seit drei Wochen auf meine Bestellung. Die Sendungsverfolgung zeigt nur 'Zustellproblem'. Wenn ich bis Freitag keine Erstattung habe, lasse ich die Zahlung über meine Bank zurückbuchen.",
            reply="Hallo {name},\n\ndas tut mir sehr leid. Eine Rückbuchung ist nicht nötig: Ich habe bei {carrier} einen Nachforschungsauftrag für {tracking} gestellt. Wenn das Paket innerhalb von 48 Stunden nicht gefunden wird, erstatten wir Ihnen den vollen Betrag.\n\nViele Grüße\n{agent}",
            followup="Gut, ich warte bis Freitag. Aber dann erwarte ich mein Geld.",
        ),
        "exchange_colour": Conversation(
            subject="Umtausch in andere Farbe?",
            message="Hallo! „{item}“ gefällt mir sehr, aber die Farbe steht mir nicht. Kann ich den Artikel gegen die andere Farbe in derselben Größe tauschen?",
            reply="Hallo {name},\n\ngern! Ich habe die andere Farbe für Sie zurückgelegt. Schicken Sie uns den Artikel mit der Rücksendenummer {rma} auf dem Paket, und wir versenden den Umtausch, sobald er bei uns ist.\n\nViele Grüße\n{agent}",
            followup="Ist heute rausgegangen. Ich freue mich auf die neue Farbe!",
        ),
        "reship": Conversation(
            subject="Paket ging an den Absender zurück",
            message="Laut Sendungsverfolgung ging mein Paket an den Absender zurück. Ich hatte keine Benachrichtigungskarte im Briefkasten. Können Sie es bitte noch einmal schicken? Die Adresse ist dieselbe.",
            reply="Hallo {name},\n\nentschuldigen Sie bitte. Der Zusteller hat das Paket zurückgeschickt, weil auf dem Etikett der Hausnummernzusatz fehlte. Ich habe die Adresse korrigiert, wir versenden heute neu; die neue Sendungsverfolgungsnummer kommt per E-Mail.\n\nViele Grüße\n{agent}",
            followup="Heute angekommen, vielen Dank!",
        ),
        "defect": Conversation(
            subject="Gerät lädt nicht mehr: {item}",
            message="Mein Gerät („{item}“) lädt nach zwei Wochen nicht mehr. Ich habe verschiedene Kabel und Netzteile probiert, nichts. Ich möchte eine Erstattung oder ein Ersatzgerät. Die Gewährleistungsansprüche gelten ja wohl.",
            reply="Hallo {name},\n\ndas sollte natürlich nicht passieren. Ich habe die Rücksendung {rma} mit kostenlosem Rücksendeetikett angelegt. Sobald unsere Qualitätskontrolle das Gerät geprüft hat, erstatten wir Ihnen den vollen Betrag.\n\nViele Grüße\n{agent}",
            followup="Habe es heute früh zurückgeschickt.",
        ),
        "scratched": Conversation(
            subject="Kratzer auf neuem Artikel: {item}",
            message="„{item}“ kam mit einem deutlichen Kratzer vorne an. Der Artikel funktioniert, aber ich habe für Neuware bezahlt. Was können Sie mir anbieten?",
            reply="Hallo {name},\n\ndas tut mir leid! Wenn Sie den Artikel behalten möchten, bieten wir Ihnen eine Teilerstattung für den optischen Mangel an. Alternativ können Sie ihn gegen volle Erstattung zurückschicken. Geben Sie mir einfach Bescheid.\n\nViele Grüße\n{agent}",
            followup="Ich behalte den Artikel mit Teilerstattung, danke.",
        ),
        "invoice": Conversation(
            subject="Rechnung mit ausgewiesener Mehrwertsteuer für {order}",
            message="Guten Tag, können Sie mir für die Bestellung {order} eine Rechnung mit ausgewiesener Mehrwertsteuer schicken? Ich brauche sie für die Reisekostenabrechnung meiner Firma.",
            reply="Hallo {name},\n\ngern – die Rechnung zur Bestellung {order} finden Sie als PDF im Anhang.\n\nViele Grüße\n{agent}",
            followup="Danke, aber der Firmenname fehlt. Könnten Sie bitte 'Bergsport Huber GmbH' ergänzen?",
        ),
        "delivered_not_received": Conversation(
            subject="Als zugestellt markiert, aber nichts da",
            message="Die Sendung {tracking} ist seit gestern als zugestellt markiert, aber es ist nichts da – nicht vor der Tür, nicht bei den Nachbarn, nicht im Briefkasten. Was jetzt?",
            reply="Hallo {name},\n\nentschuldigen Sie die Sorge. Manchmal meldet {carrier} eine Zustellung zu früh oder legt Pakete an einem Ablageort ab. Könnten Sie bitte noch einmal im Haus nachsehen? Parallel habe ich einen Nachforschungsauftrag gestellt.\n\nViele Grüße\n{agent}",
            followup="Gefunden! Die Nachbarin zwei Türen weiter hatte es. Entschuldigung für die Umstände.",
        ),
        "multi_issue": Conversation(
            subject="Bestellung {order}: zehn Tage zu spät, ein Artikel fehlt, falsche Farbe, durchnässter Karton – Kundenzufriedenheitsbeschwerde, bitte dringend zurückrufen",
            message="Ehrlich gesagt ist das die schlechteste Bestellung, die ich je hatte. Zehn Tage zu spät, der Karton durchnässt, ein Artikel fehlt komplett und der andere hat die falsche Farbe. Bitte rufen Sie mich an, das kläre ich lieber telefonisch.",
            reply="Hallo {name},\n\ndas tut mir wirklich leid – so soll niemand bei uns einkaufen. Ich kümmere mich gerade um alle drei Punkte. Könnten Sie mir ein Foto vom Lieferschein und vom erhaltenen Artikel schicken? Ich rufe Sie heute noch zurück.\n\nViele Grüße\n{agent}",
            followup="Foto anbei. Am besten nach 17 Uhr anrufen.",
        ),
    },
)
