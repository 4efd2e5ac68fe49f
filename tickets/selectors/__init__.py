"""Selectors: the read side (inbox queries, the ticket page, reports)."""
