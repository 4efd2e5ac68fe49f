"""French demo conversations."""

from . import Conversation, LanguagePack

PACK = LanguagePack(
    code="fr",
    name_style="given",
    closing="Merci pour votre retour, {name} ! Tout est réglé de notre côté. Si vous avez besoin d'autre chose, répondez simplement à ce message.\n\nBien cordialement,\n{agent}",
    texts={
        "wismo": Conversation(
            subject="Où est ma commande {order} ?",
            message="Bonjour, j'ai commandé il y a plus d'une semaine et le suivi n'a pas bougé depuis cinq jours. Pouvez-vous me dire où se trouve mon colis ? J'en ai besoin avant le week-end.",
            reply="Bonjour {name},\n\nDésolé pour l'attente. Votre colis est chez {carrier} (numéro de suivi {tracking}) et semble bloqué dans un centre de tri. J'ai ouvert une enquête auprès du transporteur et je reviens vers vous dès que j'ai une réponse.\n\nBien cordialement,\n{agent}",
            followup="Le colis est arrivé ce matin, merci d'avoir relancé !",
        ),
        "wrong_size": Conversation(
            subject="Mauvaise taille – échange possible ?",
            message="Bonjour, l'article « {item} » taille beaucoup trop petit, alors que je prends cette taille dans toutes les autres marques. Puis-je l'échanger contre la taille au-dessus ? Les étiquettes sont encore dessus.",
            reply="Bonjour {name},\n\nBien sûr ! J'ai créé le retour {rma} ; l'étiquette prépayée est en pièce jointe. Dès que le colis est scanné, nous vous envoyons la taille au-dessus, sans frais.\n\nBien cordialement,\n{agent}",
            followup="J'ai déposé le colis au bureau de poste aujourd'hui. Quand la nouvelle taille sera-t-elle expédiée ?",
        ),
        "arrived_broken": Conversation(
            subject="Article arrivé cassé",
            message="Mon article « {item} » est arrivé cassé aujourd'hui, le carton était complètement écrasé sur un côté. C'était un cadeau, quelle déception. Je souhaite un remboursement.",
            reply="Bonjour {name},\n\nJe suis vraiment désolé. Pourriez-vous nous envoyer une photo de l'article et du carton avec l'étiquette d'expédition ? Je lance ensuite le remboursement immédiatement, sans retour nécessaire.\n\nBien cordialement,\n{agent}",
            followup="Voici les photos. On voit bien le carton enfoncé et la pièce fendue.",
        ),
        "customs_fee": Conversation(
            subject="Frais de douane à la livraison ?!",
            message="Le livreur m'a fait payer des frais de dédouanement avant de me remettre le colis. Votre site indiquait que les droits de douane étaient inclus ! Je veux être remboursé de ces frais.",
            reply="Bonjour {name},\n\nVous avez raison, les droits auraient dû être inclus pour votre pays, toutes nos excuses. Envoyez-moi une photo du reçu de {carrier} et nous vous rembourserons la totalité des frais.\n\nBien cordialement,\n{agent}",
            followup="Voici le reçu du transporteur. Merci de vous en occuper.",
        ),
        "want_refund": Conversation(
            subject="Annulation et remboursement",
            message="Bonjour, j'ai passé la commande {order} hier par erreur (deux fois la même chose). Merci de l'annuler et de me rembourser.",
            reply="Bonjour {name},\n\nAucun problème : la commande {order} n'a pas encore quitté notre entrepôt. Je l'ai annulée et j'ai demandé le remboursement intégral de {amount}. Comptez 3 à 5 jours ouvrés pour le voir sur votre compte.\n\nBien cordialement,\n{agent}",
            followup="Parfait, merci ! Vais-je recevoir un e-mail quand le remboursement sera effectué ?",
        ),
        "not_as_described": Conversation(
            subject="Article non conforme à la description",
            message="L'article « {item} » ne ressemble pas du tout aux photos. La couleur est bien plus foncée et la matière fait bon marché. Je souhaite le retourner.",
            reply="Bonjour {name},\n\nJe suis désolé que l'article ne corresponde pas à vos attentes. J'ai créé le retour {rma} ; merci d'utiliser l'étiquette jointe. Dès réception à l'entrepôt, nous vous remboursons intégralement.\n\nBien cordialement,\n{agent}",
            followup="Renvoyé aujourd'hui avec votre étiquette.",
        ),
        "late": Conversation(
            subject="Commande en retard – je pars vendredi",
            message="J'ai payé la livraison express et ma commande a maintenant quatre jours de retard. Je pars en randonnée vendredi et j'ai acheté « {item} » exprès. Va-t-elle arriver à temps ?",
            reply="Bonjour {name},\n\nJe comprends tout à fait l'urgence. {carrier} confirme que le colis ({tracking}) est reparti du centre de tri et devrait vous parvenir sous deux jours. S'il arrive trop tard, nous le reprendrons gratuitement.\n\nBien cordialement,\n{agent}",
            followup="Arrivé hier, juste à temps. Merci !",
        ),
        "changed_mind": Conversation(
            subject="Demande de retour",
            message="Bonjour, je voudrais retourner l'article « {item} ». Il n'a aucun défaut, je n'en ai simplement plus besoin. Il est neuf, dans son emballage d'origine.",
            reply="Bonjour {name},\n\nAucun souci, vous êtes dans notre délai de retour de {days} jours. Votre numéro de retour est {rma} ; merci de l'indiquer sur le colis. Les frais de retour sont à votre charge dans ce cas.\n\nBien cordialement,\n{agent}",
            followup="Colis renvoyé aujourd'hui.",
        ),
        "chargeback": Conversation(
            subject="Commande jamais reçue – je vais faire opposition",
            message="J'attends ma commande depuis trois semaines. Le suivi indique seulement « incident de livraison ». Sans remboursement d'ici vendredi, je fais opposition auprès de ma banque.",
            reply="Bonjour {name},\n\nJe suis sincèrement désolé. Inutile de faire opposition : j'ai ouvert une enquête auprès de {carrier} ({tracking}). Si le colis n'est pas retrouvé sous 48 heures, nous vous remboursons intégralement.\n\nBien cordialement,\n{agent}",
            followup="D'accord, j'attends jusqu'à vendredi. Mais j'attends mon argent d'ici là.",
        ),
        "exchange_colour": Conversation(
            subject="Échange contre une autre couleur ?",
            message="Bonjour ! J'adore l'article « {item} » mais la couleur ne me va pas. Puis-je l'échanger contre l'autre coloris dans la même taille ?",
            reply="Bonjour {name},\n\nAvec plaisir ! J'ai mis l'autre coloris de côté pour vous. Renvoyez-nous l'article avec le numéro de retour {rma} sur le colis et nous expédierons l'échange dès réception.\n\nBien cordialement,\n{agent}",
            followup="Colis posté ce matin. J'ai hâte de recevoir le nouveau !",
        ),
        "reship": Conversation(
            subject="Colis retourné à l'expéditeur ??",
            message="Le suivi indique que mon colis a été retourné à l'expéditeur. Je n'ai jamais eu d'avis de passage. Pouvez-vous le renvoyer ? Mon adresse n'a pas changé.",
            reply="Bonjour {name},\n\nToutes nos excuses : le transporteur l'a retourné car le numéro d'appartement manquait sur l'étiquette. J'ai corrigé l'adresse et nous réexpédions aujourd'hui ; vous recevrez le nouveau numéro de suivi par e-mail.\n\nBien cordialement,\n{agent}",
            followup="Reçu aujourd'hui, merci beaucoup !",
        ),
        "defect": Conversation(
            subject="{item} ne fonctionne plus",
            message="Mon appareil « {item} » ne charge plus après deux semaines. J'ai essayé plusieurs câbles et chargeurs, rien à faire. Je souhaite un remboursement ou un remplacement.",
            reply="Bonjour {name},\n\nCela ne devrait évidemment pas arriver. J'ai créé le retour {rma} avec une étiquette prépayée. Après vérification par notre équipe, nous vous remboursons intégralement.\n\nBien cordialement,\n{agent}",
            followup="Renvoyé ce matin.",
        ),
        "scratched": Conversation(
            subject="Rayure sur un article neuf",
            message="L'article « {item} » est arrivé avec une grosse rayure sur le devant. Il fonctionne, mais j'ai payé pour du neuf. Que pouvez-vous faire ?",
            reply="Bonjour {name},\n\nDésolé pour ce désagrément ! Si vous souhaitez le garder, nous pouvons vous proposer un remboursement partiel pour le défaut esthétique. Sinon, vous pouvez le retourner pour un remboursement complet. Dites-moi ce que vous préférez.\n\nBien cordialement,\n{agent}",
            followup="Je le garde avec le remboursement partiel, merci.",
        ),
        "invoice": Conversation(
            subject="Facture pour la commande {order}",
            message="Bonjour, pourriez-vous m'envoyer une facture avec TVA pour la commande {order} ? J'en ai besoin pour ma note de frais.",
            reply="Bonjour {name},\n\nBien sûr, vous trouverez la facture de la commande {order} en PDF ci-joint.\n\nBien cordialement,\n{agent}",
            followup="Merci, mais il manque le nom de la société. Pourriez-vous ajouter « Alpes Aventure SARL » ?",
        ),
        "delivered_not_received": Conversation(
            subject="Indiqué livré mais rien reçu",
            message="Le suivi {tracking} indique livré hier, mais il n'y a rien devant ma porte, ni chez les voisins, ni dans la boîte aux lettres. Que faire ?",
            reply="Bonjour {name},\n\nDésolé pour cette inquiétude. Il arrive que {carrier} marque un colis comme livré un peu tôt ou le dépose dans un lieu sûr. Pourriez-vous vérifier une nouvelle fois autour de l'immeuble ? En parallèle, j'ai ouvert une enquête.\n\nBien cordialement,\n{agent}",
            followup="Trouvé ! La voisine du deuxième l'avait. Pardon pour le dérangement.",
        ),
        "multi_issue": Conversation(
            subject="Commande {order} : dix jours de retard, un article manquant, mauvaise couleur et carton trempé – merci de me rappeler au plus vite",
            message="Franchement, c'est la pire commande que j'aie jamais passée. Dix jours de retard, le carton trempé, un article manque et l'autre n'est pas de la bonne couleur. Merci de m'appeler, je préfère régler cela par téléphone.",
            reply="Bonjour {name},\n\nJe suis vraiment désolé, ce n'est pas l'expérience que nous voulons offrir. Je m'occupe des trois problèmes. Pourriez-vous m'envoyer une photo du bordereau et de l'article reçu ? Je vous rappelle aujourd'hui.\n\nBien cordialement,\n{agent}",
            followup="Photo jointe. Le mieux est de m'appeler après 17 h.",
        ),
    },
)
