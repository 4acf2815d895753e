"""The categories residents' concerns are filed under.

Codes are what the API, the capture app and Open311 use, so a code never changes once
made; labels may. A retired category is hidden from GET /api/v1/categories and refused
for new concerns (engage.concerns.capture checks is_active) but kept for the concerns
and routing rules that already name it. The caller commits.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from engage.concerns.models import Category, Concern
from engage.extensions import db
from engage.platform.paging import bounded_counts
from engage.teams.models import RoutingRule

CODE_PATTERN = re.compile(r"^[a-z0-9_]{1,40}$")

# A target (days from raising to the default due date) past a year is no target at all.
MAX_TARGET_DAYS = 365


def list_categories() -> list[Category]:
    return db.session.scalars(sa.select(Category).order_by(Category.sort_order, Category.code)).all()


def check_category(code: str | None, label: str, sort_order, category: Category | None = None) -> dict[str, str]:
    """Problems by field name ({} when fine). `code` is None when editing (it is fixed)."""
    problems = {}
    if code is not None:
        if not CODE_PATTERN.match(code):
            problems["code"] = "Use 1 to 40 lowercase letters, digits or _ (e.g. street_drinking)."
        elif db.session.scalar(sa.select(Category.id).where(Category.code == code)) is not None:
            problems["code"] = f"There is already a category with the code {code}."
    if not label.strip():
        problems["label"] = "Give the category a label, as people will see it."
    elif len(label.strip()) > 120:
        problems["label"] = "Use at most 120 characters."
    if not isinstance(sort_order, int):
        problems["sort_order"] = "Give a whole number: lists run from the lowest."
    return problems


def next_sort_order() -> int:
    highest = db.session.scalar(sa.select(sa.func.max(Category.sort_order)))
    return (highest or 0) + 10


def add_category(code: str, label: str, sort_order: int | None = None, target_days: int | None = None) -> Category:
    category = Category(
        code=code,
        label=label.strip(),
        is_active=True,
        sort_order=next_sort_order() if sort_order is None else sort_order,
        target_days=target_days or None,
    )
    db.session.add(category)
    return category


def set_retired(category: Category, retired: bool) -> bool:
    """Retire or bring back; False when it already was."""
    if category.is_active == (not retired):
        return False
    category.is_active = not retired
    return True


def usage_counts() -> tuple[dict, dict[int, int]]:
    """Concerns and routing rules per category id, so admins see what a retirement keeps.
    Concerns are counted up to paging.COUNT_LIMIT each ("1000+"), along the category's
    index: grouping every concern ever raised would read them all."""

    ids = db.session.scalars(sa.select(Category.id)).all()
    concerns = {
        category_id: n
        for category_id, n in bounded_counts(
            {category_id: sa.select(Concern.id).where(Concern.category_id == category_id) for category_id in ids}
        ).items()
        if n
    }
    rules = dict(
        db.session.execute(
            sa.select(RoutingRule.category_id, sa.func.count())
            .where(RoutingRule.category_id.is_not(None))
            .group_by(RoutingRule.category_id)
        ).all()
    )
    return concerns, rules
