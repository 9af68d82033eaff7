"""TinyDB persistence: the atomic JSON storage and the repository.

The repository is the only code in coffeechat that touches TinyDB.
"""
