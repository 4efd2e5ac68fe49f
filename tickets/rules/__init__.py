"""Triage: the rules engine, its text preparation, keyword sets and default rules."""
