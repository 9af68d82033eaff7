"""Pure-Python core: stages, contacts, reminder rules and date parsing.

Nothing in this package imports Textual or TinyDB, and nothing here reads the
real clock: every function that needs "now" takes it as an argument.
"""
