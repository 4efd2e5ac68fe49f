"""The email channel: parsing RFC 822 mail into message records, routing it to a store by its
recipients (or quarantine), IMAP polling of mailboxes, and SMTP replies to buyers.

Message-IDs are kept in one normal form everywhere (``external_id``, ``in_reply_to``,
``references`` and the Message-ID of our own replies, all stored on
``Message.platform_message_id``): the id with its angle brackets, ``<local@domain>``, with
surrounding whitespace removed; see ``parse.normalize_message_id``.
"""
