"""The sandbox marketplace: a local HTTP server that speaks the subset of the Shopify, Amazon and
eBay APIs our adapters use, in the shapes of ../shared/fixtures/marketplaces, with the platforms'
authentication, pagination, per-operation limits and throttling answers, a scenario clock that
creates orders, returns, buyer emails and disputes, and a mail server (IMAP + SMTP) for the email
channel. It knows nothing of our models: it is what the platforms look like from outside.
"""
