"""Getting contacts in and out: LinkedIn, vCard, CSV, JSON and iCalendar files.

Pure functions over domain objects: no Textual, no TinyDB.  Which formats
exist, and what they are called, is ``coffeechat.transfer.FORMATS``.
"""
