"""Whole numbers in an address's query string (?page=, ?older=, ?team=, ?zoom=...),
read one way everywhere.

A number the database cannot hold (its integers stop at 2147483647), a negative one
where none makes sense, or text where a number belongs is refused with BadParameter,
whose message names the parameter; the app answers it with 400 (engage.platform.errors), as
JSON for the API and a page for people. Before, `?page=99999999999999999999`
overflowed the query and `?page=lots` was quietly read as page 1.
"""

from __future__ import annotations

from collections.abc import Mapping

# The largest value of the database's INTEGER column (PostgreSQL; SQLite holds more).
DATABASE_MAX_INTEGER = 2**31 - 1


class BadParameter(ValueError):
    """A query parameter that cannot be used; the message names it and says why."""

    def __init__(self, name: str, problem: str):
        super().__init__(f"{name}: {problem}")
        self.name = name
        self.problem = problem


def whole_number(
    args: Mapping, name: str, default: int | None = None, minimum: int = 0, maximum: int = DATABASE_MAX_INTEGER
) -> int | None:
    """`args[name]` as a whole number from `minimum` to `maximum`, or `default` when
    it is absent or blank. Anything else raises BadParameter."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return default
    digits = raw[1:] if raw[:1] == "-" else raw
    # isdecimal() alone lets in other scripts' digits ('٣'); int() refuses thousands of them.
    if not (digits.isascii() and digits.isdecimal()):
        raise BadParameter(name, f"'{raw[:40]}' is not a whole number")
    if len(digits.lstrip("0")) > len(str(DATABASE_MAX_INTEGER)):
        raise BadParameter(name, f"must be from {minimum} to {maximum} (got {raw[:40]}{'…' if len(raw) > 40 else ''})")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise BadParameter(name, f"must be from {minimum} to {maximum} (got {value})")
    return value
