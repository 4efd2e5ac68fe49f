"""Amazon Selling Partner API: client (HTTP), parse (payload to records), adapter (streams and pushes)."""
