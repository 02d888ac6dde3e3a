"""A prefix filter as a range, so the database can use an index for it.

Division codes nest by prefix (62 > 6201 > 620102), so "this unit and below" is "the code starts
with the unit's code". Django writes `__startswith` as `LIKE 'code%'`, and SQLite uses an index
for LIKE only with `PRAGMA case_sensitive_like=ON`, which would also make `icontains` (a LIKE on
SQLite) case-sensitive for ASCII letters: record and report search would stop finding "ABC" for
"abc". A range `code <= field < next` is the same test and uses a plain B-tree index on SQLite and
PostgreSQL alike:

    low, high = prefix_range(user.scope_code)
    qs.filter(division_code__gte=low, division_code__lt=high)
"""

from __future__ import annotations

_LAST = 0x10FFFF  # the highest code point: no character sorts after it
# Surrogates are no characters (UTF-8 cannot encode them); above D7FF the next one is E000.
_SURROGATES = range(0xD800, 0xE000)


def prefix_range(code: str) -> tuple[str, str]:
    """(low, high) such that `text.startswith(code)` exactly when `low <= text < high`, in code
    point order: SQLite's BINARY collation, PostgreSQL's "C" collation, and any collation for
    strings of ASCII digits (division codes), which every collation orders character by
    character.

    `high` is the shortest string above every extension of `code`. For a code of digits it is
    a string of digits too (6201 -> 6202, 62019 -> 6202, 6299 -> 63), which every collation
    orders alike; otherwise its last character that can be raised, raised by one. "99" has no
    digit bound and takes the general one ("9:").
    """
    digits = code.rstrip("9")
    if code.isascii() and code.isdigit() and digits:
        return code, digits[:-1] + str(int(digits[-1]) + 1)
    stem = code.rstrip(chr(_LAST))
    if not stem:
        raise ValueError("an empty prefix selects everything; leave the filter out instead")
    raised = ord(stem[-1]) + 1
    return code, stem[:-1] + chr(0xE000 if raised in _SURROGATES else raised)
