"""Shopify: the Admin GraphQL client (pinned API version), payload parsers, the adapter and the
webhook signature check. Shopify field names stay inside this package."""
