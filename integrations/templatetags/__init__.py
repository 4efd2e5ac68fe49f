"""Template tags of the integrations pages."""
