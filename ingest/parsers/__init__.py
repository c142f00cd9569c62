"""Pure, streaming parsers from source files (mail, calendars, CRM and reference CSVs)."""
