"""Bulk intake: departments' Excel and CSV files, checked row by row through RecordIn and written
through the same rules as a form submission (see records/services/bulk.py)."""
