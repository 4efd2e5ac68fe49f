"""The REST API, scoped to the caller's stores: reads, and refund requests and decisions."""
