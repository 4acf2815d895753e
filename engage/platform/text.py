"""Text as people type or paste it, and as the files the office exports can hold it.

Text pasted from Word, a PDF or an e-mail can carry invisible control characters: a
vertical tab (U+000B) where Word had a line break typed with Shift+Enter, a form feed
(U+000C) for a page break, and others. Nobody means them, and the spreadsheets and
Word documents the office exports cannot hold them (XML 1.0 forbids them; openpyxl and
python-docx refuse them), so one such entry once made every export of it fail.

- On the way in (the capture API, every form, every import), `text_problem` says what
  is wrong with a text, so it is refused with a message at the field, the row and
  column, or the JSON field; tab, newline and carriage return (a textarea sends
  "\\r\\n") are ordinary text and allowed.
- On the way out, `printable` makes text already stored writable by every file writer
  (XLSX, Word, PDF), whatever it holds.
"""

from __future__ import annotations

import re

# Below U+0020 all but tab, newline and carriage return; DEL; and the halves of a
# UTF-16 pair (a JSON "\ud800" decodes to one), which are not characters at all.
REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# What XML 1.0 cannot hold (its Char production): the writers drop these.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Word's line break and page break: kept as the line break they stood for.
LINE_BREAKS = {"\x0b", "\x0c"}

NAMES = {
    "\x08": "backspace",
    "\x0b": "vertical tab, which Word pastes for a line break",
    "\x0c": "form feed, which Word pastes for a page break",
    "\x1b": "escape",
    "\x7f": "delete",
}


def text_problem(text: str) -> str | None:
    """What makes `text` unfit to store, as the end of a sentence about a field
    ("must not contain ..."), or None when it is fine."""
    found = REFUSED.search(text)
    if found is None:
        return None
    char, position = found.group(), found.start() + 1
    if char == "\x00":
        return "must not contain the NUL character"
    if "\ud800" <= char <= "\udfff":
        return (
            f"must not contain U+{ord(char):04X} (at character {position}), half of a character "
            "that lost its other half; retype the text around it"
        )
    name = NAMES.get(char)
    return (
        f"must not contain the invisible control character U+{ord(char):04X}"
        f"{f' ({name})' if name else ''} at character {position}, as text pasted from Word or a PDF "
        "can; delete it or paste as plain text"
    )


def printable(value):
    """`value` as a spreadsheet, Word document or PDF can hold it: Word's line and page
    breaks become line breaks, and whatever else XML cannot hold is dropped. Anything
    but text is returned as it is."""
    if not isinstance(value, str) or NOT_XML.search(value) is None:
        return value
    return NOT_XML.sub(lambda m: "\n" if m.group() in LINE_BREAKS else "", value)
