"""Spanish demo conversations."""

from . import Conversation, LanguagePack

PACK = LanguagePack(
    code="es",
    name_style="given",
    closing="¡Gracias por avisarnos, {name}! Por nuestra parte ya está todo resuelto. Si necesitas algo más, responde a este mensaje.\n\nUn saludo,\n{agent}",
    texts={
        "wismo": Conversation(
            subject="¿Dónde está mi pedido {order}?",
            message="Hola, hice el pedido hace más de una semana y el seguimiento no se mueve desde hace cinco días. ¿Me podéis decir dónde está mi paquete? Lo necesito antes del fin de semana.",
            reply="Hola {name}:\n\nPerdona la espera. Tu paquete está con {carrier} (número de seguimiento {tracking}) y parece estar detenido en un centro de clasificación. He abierto una investigación con ellos y te escribo en cuanto tenga noticias.\n\nUn saludo,\n{agent}",
            followup="Acaba de llegar esta mañana, ¡gracias por reclamarlo!",
        ),
        "wrong_size": Conversation(
            subject="Talla equivocada, quiero cambiarla",
            message="Hola, el artículo «{item}» me queda muy pequeño, y eso que uso esta talla en todas las demás marcas. ¿Puedo cambiarlo por una talla más? Todavía tiene las etiquetas.",
            reply="Hola {name}:\n\n¡Claro! He creado la devolución {rma}; te adjunto la etiqueta prepagada. En cuanto se escanee el paquete te enviamos la talla siguiente sin coste.\n\nUn saludo,\n{agent}",
            followup="Hoy dejé el paquete en correos. ¿Cuándo me enviáis la talla nueva?",
        ),
        "arrived_broken": Conversation(
            subject="El producto llegó roto",
            message="Mi «{item}» llegó hoy roto, la caja venía completamente aplastada por un lado. Era un regalo, qué decepción. Quiero que me devolváis el dinero, por favor.",
            reply="Hola {name}:\n\nLo siento muchísimo. ¿Nos puedes mandar una foto del producto y de la caja con la etiqueta de envío? Con eso tramito el reembolso enseguida; no hace falta que nos devuelvas nada.\n\nUn saludo,\n{agent}",
            followup="Te adjunto las fotos. Se ve la caja abollada y la pieza rota.",
        ),
        "customs_fee": Conversation(
            subject="Me cobraron aduana al recibir el paquete",
            message="El repartidor me hizo pagar impuestos de importación antes de entregarme el paquete. ¡En vuestra web decía que los aranceles estaban incluidos! Quiero que me devolváis ese dinero.",
            reply="Hola {name}:\n\nTienes razón, para tu país los aranceles deberían estar incluidos; te pido disculpas. Envíame una foto del recibo de {carrier} y te reembolsamos el importe completo.\n\nUn saludo,\n{agent}",
            followup="Aquí tienes el recibo de la paquetería. Gracias por solucionarlo.",
        ),
        "want_refund": Conversation(
            subject="Cancelar pedido y reembolso",
            message="Hola, ayer hice el pedido {order} por error (pedí lo mismo dos veces). Por favor, cancelad el pedido y devolvedme el dinero. ¡Gracias!",
            reply="Hola {name}:\n\nSin problema: el pedido {order} aún no ha salido del almacén. Lo he cancelado y he solicitado el reembolso completo de {amount}. Normalmente se ve reflejado en 3–5 días hábiles.\n\nUn saludo,\n{agent}",
            followup="¡Genial, gracias! ¿Me llegará un correo cuando se haga el reembolso?",
        ),
        "not_as_described": Conversation(
            subject="No es como en las fotos",
            message="El artículo «{item}» no se parece en nada a las fotos. El color es mucho más oscuro y el material parece barato. Quiero devolverlo.",
            reply="Hola {name}:\n\nSiento que no sea lo que esperabas. He creado la devolución {rma}; usa la etiqueta adjunta, por favor. En cuanto llegue a nuestro almacén te devolvemos el importe completo.\n\nUn saludo,\n{agent}",
            followup="Lo he enviado hoy con vuestra etiqueta.",
        ),
        "late": Conversation(
            subject="Pedido retrasado, me voy de viaje el viernes",
            message="Pagué envío exprés y el pedido ya lleva cuatro días de retraso. El viernes me voy de ruta por la montaña y compré «{item}» precisamente para eso. ¿Va a llegar o no?",
            reply="Hola {name}:\n\nEntiendo perfectamente la urgencia. {carrier} confirma que el paquete ({tracking}) ya ha salido del centro de distribución y debería llegarte en dos días. Si llega tarde, te lo recogemos gratis.\n\nUn saludo,\n{agent}",
            followup="Llegó ayer, justo a tiempo. ¡Gracias!",
        ),
        "changed_mind": Conversation(
            subject="Solicitud de devolución",
            message="Hola, quiero devolver el artículo «{item}». No tiene ningún defecto, simplemente ya no lo necesito. Está sin usar y en su embalaje original.",
            reply="Hola {name}:\n\nSin problema, estás dentro del plazo de devolución de {days} días. Tu número de devolución es {rma}; escríbelo en el paquete, por favor. En este caso los gastos de envío de la devolución corren de tu cuenta.\n\nUn saludo,\n{agent}",
            followup="Lo he enviado hoy.",
        ),
        "chargeback": Conversation(
            subject="Nunca recibí mi pedido: voy a reclamar al banco",
            message="Llevo tres semanas esperando el pedido. El seguimiento solo dice «incidencia». Si el viernes no tengo el reembolso, abriré una reclamación con mi banco para que me devuelvan el cargo.",
            reply="Hola {name}:\n\nLo siento de verdad. No hace falta reclamar al banco: he abierto una investigación con {carrier} ({tracking}). Si no localizan el paquete en 48 horas, te reembolsamos el importe completo.\n\nUn saludo,\n{agent}",
            followup="Vale, espero hasta el viernes. Pero para entonces quiero mi dinero.",
        ),
        "exchange_colour": Conversation(
            subject="¿Puedo cambiarlo por otro color?",
            message="¡Hola! Me encanta el artículo «{item}» pero el color no me queda bien. ¿Lo puedo cambiar por el otro color en la misma talla?",
            reply="Hola {name}:\n\n¡Con mucho gusto! Te he reservado el otro color. Envíanos el artículo con el número de devolución {rma} en el paquete y te mandamos el cambio en cuanto llegue.\n\nUn saludo,\n{agent}",
            followup="Ya lo envié. ¡Tengo ganas de recibir el nuevo!",
        ),
        "reship": Conversation(
            subject="¿Paquete devuelto al remitente?",
            message="El seguimiento dice que mi paquete fue devuelto al remitente. Nunca recibí aviso de entrega. ¿Me lo podéis volver a enviar? La dirección es la misma.",
            reply="Hola {name}:\n\nDisculpa: la empresa de transporte lo devolvió porque en la etiqueta faltaba el número de piso. He corregido la dirección y lo reenviamos hoy; recibirás el nuevo número de seguimiento por correo.\n\nUn saludo,\n{agent}",
            followup="¡Me llegó hoy, muchas gracias!",
        ),
        "defect": Conversation(
            subject="{item} dejó de funcionar",
            message="Mi «{item}» dejó de cargar a las dos semanas. He probado con otros cables y cargadores y nada. Quiero un reembolso o uno nuevo.",
            reply="Hola {name}:\n\nEso no debería pasar. He creado la devolución {rma} con etiqueta prepagada. En cuanto nuestro equipo lo revise, te reembolsamos el importe completo.\n\nUn saludo,\n{agent}",
            followup="Lo envié esta mañana.",
        ),
        "scratched": Conversation(
            subject="Rayón en un producto nuevo",
            message="El artículo «{item}» llegó con un rayón grande en la parte delantera. Funciona, pero pagué por uno nuevo. ¿Qué solución me dais?",
            reply="Hola {name}:\n\n¡Lo siento! Si quieres quedártelo, te ofrecemos un reembolso parcial por el daño estético. Si no, puedes devolverlo y te reembolsamos todo. Dime qué prefieres.\n\nUn saludo,\n{agent}",
            followup="Me lo quedo con el reembolso parcial, gracias.",
        ),
        "invoice": Conversation(
            subject="Factura del pedido {order}",
            message="Hola, ¿me podéis enviar una factura con IVA del pedido {order}? La necesito para los gastos de mi empresa.",
            reply="Hola {name}:\n\nClaro, te adjunto la factura del pedido {order} en PDF.\n\nUn saludo,\n{agent}",
            followup="Gracias, pero falta el nombre de la empresa. ¿Podéis añadir «Senderos del Sur S.L.»?",
        ),
        "delivered_not_received": Conversation(
            subject="Pone entregado pero no tengo nada",
            message="El seguimiento {tracking} dice entregado ayer, pero no hay nada en mi puerta, ni con los vecinos, ni en el buzón. ¿Qué hago?",
            reply="Hola {name}:\n\nSiento el susto. A veces {carrier} marca un paquete como entregado antes de tiempo o lo deja en un lugar seguro. ¿Puedes revisar otra vez por el edificio? Mientras tanto he abierto una investigación con la empresa de transporte.\n\nUn saludo,\n{agent}",
            followup="¡Apareció! Lo tenía la vecina de abajo. Perdón por las molestias.",
        ),
        "multi_issue": Conversation(
            subject="Pedido {order}: diez días de retraso, falta un artículo, el otro es de otro color y la caja llegó empapada; por favor, llamadme cuanto antes",
            message="Sinceramente, es el peor pedido que he hecho nunca. Diez días tarde, la caja mojada, falta un artículo y el otro es de otro color. Llamadme, por favor, prefiero resolverlo por teléfono.",
            reply="Hola {name}:\n\nLo siento muchísimo, no es la experiencia que queremos dar. Estoy revisando los tres problemas. ¿Me mandas una foto del albarán y del artículo que recibiste? Te llamo hoy mismo.\n\nUn saludo,\n{agent}",
            followup="Foto adjunta. Mejor llamadme después de las 17:00.",
        ),
    },
)
