"""coffeechat: run informational interviews end to end from the terminal."""

__version__ = "0.1.0"
