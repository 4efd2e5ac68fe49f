"""Server-rendered pages; thin: they read through selectors and write through services."""
