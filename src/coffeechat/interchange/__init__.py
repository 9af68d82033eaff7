"""Getting contacts in and out: LinkedIn, vCard, CSV, JSON and iCalendar files.

Pure functions over domain objects: no Textual, no TinyDB.
"""

IMPORT_KINDS = ("linkedin", "vcard", "csv", "json")
EXPORT_KINDS = ("ics", "vcard", "csv", "json")
