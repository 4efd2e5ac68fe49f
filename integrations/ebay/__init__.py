"""eBay: Sell Fulfillment orders and refunds, Post-Order returns and disputes, buyer messages."""
