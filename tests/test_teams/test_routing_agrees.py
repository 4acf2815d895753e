"""The admin's "Test a concern" box and a real concern captured from the phone are
routed by the same rule (services/coverage.py): the same lead and the same copies,
whoever covers the ward, two teams or none."""

import re
import uuid

import pytest
import sqlalchemy as sa

from engage.concerns.models import Category
from engage.teams.models import RoutingRule
from tests.conftest import make_team

CENTRAL, ESTON, YARM = "E05009857", "E05001508", "E05001552"
CODES = ("INT-AAA", "INT-TEST", "INT-MBRO", "INT-RC", "CFB")


@pytest.fixture
def coverage(db, team):
    """Central is named by two INTs (INT-AAA and the `team` fixture's INT-TEST) and lies
    in Middlesbrough, which INT-MBRO covers whole; Eston only by Redcar's INT-RC; Yarm
    by no INT. The fire brigade (a partner covering everywhere) never leads by coverage,
    and is copied on every fire-setting concern by a rule that names the ward's INT."""
    make_team("INT-AAA", ward_codes=(CENTRAL,))
    make_team("INT-MBRO", ward_codes=(), coverage="authority", lad_code="E06000002")
    make_team("INT-RC", ward_codes=(), coverage="authority", lad_code="E06000003")
    fire_brigade = make_team("CFB", ward_codes=(), kind="partner", coverage="all")
    fire = db.session.scalar(sa.select(Category).where(Category.code == "fire_setting"))
    db.session.add(RoutingRule(category=fire, lead_team=None, copy_teams=[fire_brigade], edited_by="test"))
    db.session.commit()


def box_answer(admin_client, ward, category):
    page = admin_client.get(f"/admin/routing?ward={ward}&category={category}").get_data(as_text=True)
    leads = re.search(r"<dt>Leads</dt>\s*<dd>(.*?)</dd>", page, re.DOTALL).group(1)
    copied = re.search(r"<dt>Copied</dt>\s*<dd>(.*?)</dd>", page, re.DOTALL).group(1)
    lead = None if "OPCC triage queue" in leads else next(c for c in CODES if re.search(rf"\b{c}\b", leads))
    return lead, sorted(c for c in CODES if re.search(rf"(?<![\w-]){c}(?![\w-])", copied))


def captured(officer_client, ward, category):
    posted = officer_client.post(
        "/api/v1/concerns",
        json={"id": str(uuid.uuid4()), "category": category, "description": "seen at the meeting", "ward_code": ward},
    )
    assert posted.status_code == 201
    body = posted.get_json()
    return (body["lead_team"]["code"] if body["lead_team"] else None), sorted(t["code"] for t in body["copied_teams"])


@pytest.mark.parametrize(
    "ward, category, expected",
    [
        (CENTRAL, "drugs", ("INT-AAA", [])),  # two INTs name it: the first by code leads
        (CENTRAL, "fire_setting", ("INT-AAA", ["CFB"])),
        (ESTON, "drugs", ("INT-RC", [])),  # covered as part of its authority
        (YARM, "drugs", (None, [])),  # covered by no INT: triage
        (YARM, "fire_setting", (None, ["CFB"])),  # the rule's copy still goes out
    ],
)
def test_the_box_and_a_captured_concern_agree(coverage, admin_client, officer_client, ward, category, expected):
    assert box_answer(admin_client, ward, category) == expected
    assert captured(officer_client, ward, category) == expected
