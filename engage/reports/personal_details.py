"""What in text meant for the public looks like a resident's personal details.

A "You said, we did" draft starts from residents' own words and the teams' notes, and
either can name a person or an address ("Visited Mr Crake at 7 Laburnum Street, TS5
6PQ"). Staff are asked to remove them; this is the check that stops what they missed
from reaching the public page and Open311. It errs on the side of refusing: staff can
always reword ("a resident", "a street near the park")."""

from __future__ import annotations

import re

CHECKS = (
    ("a postcode", re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)),
    ("an e-mail address", re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")),
    ("a telephone number", re.compile(r"(?<!\d)(\+44\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)")),
    ("a person's name", re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx)\.?\s+[A-Z][\w'-]+")),
    (
        "a house number and street",
        re.compile(
            r"\b\d+[a-zA-Z]?,?\s+(?:[A-Z][\w'-]*\s+){1,3}"
            r"(Street|St|Road|Rd|Avenue|Close|Lane|Drive|Way|Crescent|Grove|Terrace|Place|Court|Gardens|Walk|View|Square)\b"
        ),
    ),
)


def personal_detail(text: str, names: tuple[str, ...] = ()) -> str | None:
    """What in `text` looks like personal details, as the end of a sentence about a
    field ("names a resident: ..."), or None. `names` are the residents' own names
    (the contact names recorded on the concerns the text is about)."""
    for name in names:
        name = " ".join(name.split())
        if len(name) >= 3 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            return f"names a resident who gave their contact details ({name}); never publish a resident's name"
    for what, pattern in CHECKS:
        if found := pattern.search(text):
            return (
                f"seems to hold {what} ({found.group().strip()}); residents' names, addresses and "
                "contact details are never published: reword it"
            )
    return None
