"""The Textual interface. Only ``coffeechat.cli`` imports this package."""
