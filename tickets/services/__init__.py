"""Services: the only code that writes domain state. One module per concern."""
