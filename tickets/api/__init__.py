"""The REST API (read side for now), scoped to the caller's stores."""
