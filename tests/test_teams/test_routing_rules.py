"""Routing rules as the admin screen, the CSV import and the demo make them: checks,
one rule per area and category, the preview that asks the routing itself, and the
sample rules."""

import uuid

import pytest
import sqlalchemy as sa

from engage.concerns.capture import raise_concern
from engage.concerns.models import Category
from engage.demo.services import clear_demo, load_demo
from engage.platform.audit import AuditEvent
from engage.teams.models import RoutingRule, Team
from engage.teams.rules import (
    Lookups,
    RuleDraft,
    RuleImportError,
    apply_rule,
    check_rule,
    import_rules,
    list_rules,
    preview_routing,
    rules_csv,
    set_active,
)
from tests.conftest import make_team

CENTRAL, ESTON, YARM = "E05009857", "E05001508", "E05001552"  # Middlesbrough, Redcar and Cleveland, Stockton
HEADER = "ward_code,lad_code,category,lead_team,copy_teams,priority,note\n"


@pytest.fixture
def teams(app, team):
    """The conftest INT (three Middlesbrough wards, Central among them) and partners."""
    return {
        "INT-TEST": team,
        "CFB": make_team("CFB", ward_codes=(), kind="partner", coverage="all"),
        "ENV-RC": make_team("ENV-RC", ward_codes=(), kind="partner", coverage="authority", lad_code="E06000003"),
        "INT-RC": make_team("INT-RC", ward_codes=(), coverage="authority", lad_code="E06000003"),
    }


def _make(db, draft: RuleDraft, by="admin@example.org") -> RoutingRule:
    lookups = Lookups.load()
    problems, resolved = check_rule(draft, lookups)
    assert problems == {}
    rule = apply_rule(RoutingRule(), draft, resolved, by)
    db.session.commit()
    return rule


def _write(tmp_path, text):
    path = tmp_path / "rules.csv"
    path.write_text(text)
    return str(path)


def _rules(db):
    return db.session.scalars(sa.select(RoutingRule).order_by(RoutingRule.id)).all()


def _category(db, code):
    return db.session.scalar(sa.select(Category).where(Category.code == code))


def _ward(code):
    return Lookups.load().geography.wards[code]


# ---- checks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "draft, field, words",
    [
        (RuleDraft(ward_code=CENTRAL, lad_code="E06000002"), "local_authority", "not both"),
        (RuleDraft(ward_code="E05000000"), "ward", "Unknown ward code"),
        (RuleDraft(lad_code="E06000099"), "local_authority", "Unknown local authority"),
        (RuleDraft(category_code="unicorns"), "category", "Unknown category"),
        (RuleDraft(lead_team_code="NOPE"), "lead_team", "Unknown team 'NOPE'"),
        (RuleDraft(copy_team_codes=("CFB", "NOPE")), "copy_teams", "Unknown team 'NOPE'"),
        (RuleDraft(lead_team_code="CFB", copy_team_codes=("cfb",)), "copy_teams", "CFB leads"),
    ],
)
def test_check_rule_names_the_field(db, teams, draft, field, words):
    problems, _ = check_rule(draft, Lookups.load())
    assert field in problems and words in problems[field]


def test_one_rule_per_area_and_category_active_or_not(db, teams):
    rule = _make(db, RuleDraft(lad_code="E06000003", category_code="fire_setting", copy_team_codes=("CFB",)))
    set_active(rule, False, "admin@example.org")
    db.session.commit()
    problems, _ = check_rule(RuleDraft(lad_code="e06000003", category_code="fire_setting"), Lookups.load())
    assert problems["scope"].startswith(f"There is already a deactivated rule #{rule.id} for fire setting")
    # The rule itself may be saved again, and the same category elsewhere is another rule.
    assert check_rule(RuleDraft(lad_code="E06000003", category_code="fire_setting"), Lookups.load(), rule=rule)[0] == {}
    assert check_rule(RuleDraft(lad_code="E06000002", category_code="fire_setting"), Lookups.load())[0] == {}


def test_a_retired_category_is_refused_for_new_rules_but_kept_by_old_ones(db, teams):
    rule = _make(db, RuleDraft(category_code="parking", lead_team_code="ENV-RC"))
    _category(db, "parking").is_active = False
    db.session.commit()
    draft = RuleDraft(category_code="parking", lead_team_code="CFB")
    assert "retired" in check_rule(draft, Lookups.load())[0]["category"]
    assert check_rule(draft, Lookups.load(), rule=rule)[0] == {}


def test_rules_list_most_specific_first_then_the_deactivated(db, teams):
    anywhere = _make(db, RuleDraft(lead_team_code="CFB"))
    fly_anywhere = _make(db, RuleDraft(category_code="fly_tipping", lead_team_code="ENV-RC"))
    authority = _make(db, RuleDraft(lad_code="E06000003", category_code="fire_setting"))
    ward_any = _make(db, RuleDraft(ward_code=CENTRAL, lead_team_code="INT-TEST"))
    ward_fire = _make(db, RuleDraft(ward_code=CENTRAL, category_code="fire_setting", copy_team_codes=("CFB",)))
    off = _make(db, RuleDraft(ward_code=ESTON, category_code="drugs"))
    set_active(off, False, "admin@example.org")
    db.session.commit()
    assert [r.id for r in list_rules()] == [
        ward_fire.id,
        ward_any.id,
        authority.id,
        fly_anywhere.id,
        anywhere.id,
        off.id,
    ]
    assert ward_fire.edited_by == "admin@example.org" and [t.code for t in ward_fire.copy_teams] == ["CFB"]


def test_rule_changes_are_audited_with_old_values(db, teams):
    rule = _make(db, RuleDraft(lad_code="E06000003", category_code="fire_setting", priority=1))
    draft = RuleDraft(
        lad_code="E06000003",
        category_code="fire_setting",
        lead_team_code="INT-RC",
        copy_team_codes=("CFB",),
        priority=2,
        note="agreed with the brigade",
    )
    problems, resolved = check_rule(draft, Lookups.load(), rule=rule)
    apply_rule(rule, draft, resolved, "admin@example.org")
    db.session.commit()
    update = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.entity == "routing_rule", AuditEvent.action == "update")
    ).one()
    assert update.changes["priority"] == [1, 2]
    assert update.changes["lead_team_id"] == [None, teams["INT-RC"].id]
    assert update.changes["copy_teams"] == {"added": ["CFB"], "removed": []}
    assert update.changes["note"] == ["", "agreed with the brigade"]


# ---- the preview --------------------------------------------------------------


def test_preview_with_no_rules_is_the_covering_int(db, teams):
    preview = preview_routing(_ward(CENTRAL), _category(db, "drugs"))
    assert preview.lead_team.code == "INT-TEST" and preview.rule is None
    assert preview.decision.routed_by == "coverage" and preview.decision.reason == "the INT covering the ward"
    assert "No active rule matches drugs and drug dealing in Central" in preview.explanation[0]


def test_preview_names_the_winning_rule_and_those_passed_over(db, teams):
    broad = _make(db, RuleDraft(category_code="fire_setting", lead_team_code="CFB"))
    rule = _make(db, RuleDraft(lad_code="E06000003", category_code="fire_setting", copy_team_codes=("CFB",)))
    preview = preview_routing(_ward(ESTON), _category(db, "fire_setting"))
    assert preview.rule.id == rule.id and preview.decision.reason == f"rule {rule.id}"
    assert preview.lead_team.code == "INT-RC" and [t.code for t in preview.copied_teams] == ["CFB"]
    assert [r.id for r in preview.passed_over] == [broad.id]
    assert preview.explanation[:2] == [
        f"Rule #{rule.id} (fire setting and arson, any ward of Redcar and Cleveland) is the most specific active "
        "rule matching fire setting and arson in Eston.",
        "It names the ward's INT, which is INT-RC.",
    ]
    # A deactivated rule is not considered.
    set_active(rule, False, "admin@example.org")
    db.session.commit()
    assert preview_routing(_ward(ESTON), _category(db, "fire_setting")).rule.id == broad.id


def test_preview_when_no_int_covers_the_ward(db, teams):
    _make(db, RuleDraft(category_code="drugs", copy_team_codes=("CFB",)))
    preview = preview_routing(_ward(YARM), _category(db, "drugs"))
    assert preview.lead_team is None and preview.decision.queue == "triage"
    assert [t.code for t in preview.copied_teams] == ["CFB"]
    assert "no INT covers this ward" in preview.explanation[1]
    nothing = preview_routing(_ward(YARM), _category(db, "parking"))
    assert nothing.decision.reason == "no rule matches and no INT covers the ward"
    assert "OPCC triage queue" in nothing.explanation[0]


def test_preview_agrees_with_routing_a_stored_concern(app_ctx, db, teams):
    _make(
        db,
        RuleDraft(
            lad_code="E06000003",
            category_code="fire_setting",
            lead_team_code="ENV-RC",
            copy_team_codes=("CFB", "INT-RC"),
        ),
    )
    preview = preview_routing(_ward(ESTON), _category(db, "fire_setting"))
    concern, _ = raise_concern(
        {"id": str(uuid.uuid4()), "category": "fire_setting", "description": "bins alight", "ward_code": ESTON}
    )
    db.session.commit()
    assert concern.lead_team_id == preview.lead_team.id and concern.routing_rule_id == preview.rule.id
    assert sorted(t.code for t in concern.copied_teams) == [t.code for t in preview.copied_teams] == ["CFB", "INT-RC"]


# ---- CSV -------------------------------------------------------------------------

GOOD = HEADER + (
    ",E06000003,fire_setting,,CFB,0,Joint patrols\n"
    f"{CENTRAL},,,int-test,CFB; ENV-RC,2,\n"
    ",,Fly_Tipping,ENV-RC,,,anywhere\n"
)


def test_import_creates_then_changes_nothing_then_updates(db, teams, tmp_path):
    path = _write(tmp_path, GOOD)
    first = import_rules(path, edited_by="cli:tester")
    db.session.commit()
    assert first.summary() == "Routing rules: 3 created, 0 updated, 0 unchanged."
    rules = _rules(db)
    fire, central, fly = rules
    assert (fire.local_authority.code, fire.category.code, fire.lead_team, [t.code for t in fire.copy_teams]) == (
        "E06000003",
        "fire_setting",
        None,
        ["CFB"],
    )
    assert (central.ward.code, central.category, central.lead_team.code, central.priority) == (
        CENTRAL,
        None,
        "INT-TEST",
        2,
    )
    assert [t.code for t in central.copy_teams] == ["CFB", "ENV-RC"]
    assert (fly.ward, fly.local_authority, fly.category.code, fly.note) == (None, None, "fly_tipping", "anywhere")
    assert {r.edited_by for r in rules} == {"cli:tester"} and not any(r.is_demo for r in rules)

    again = import_rules(path, edited_by="cli:tester")
    db.session.commit()
    assert again.summary() == "Routing rules: 0 created, 0 updated, 3 unchanged."

    set_active(fly, False, "admin@example.org")
    db.session.commit()
    changed = _write(tmp_path, GOOD.replace("CFB,0,Joint patrols", "CFB,0,Joint patrols with CFB"))
    third = import_rules(changed, edited_by="cli:other")
    db.session.commit()
    assert (third.updated, len(third.unchanged)) == (["row 2", "row 4"], 1)
    assert fire.note == "Joint patrols with CFB" and fire.edited_by == "cli:other"
    assert fly.is_active  # the file says the rule applies
    assert len(_rules(db)) == 3


def test_import_dry_run_stores_nothing(db, teams, tmp_path):
    result = import_rules(_write(tmp_path, GOOD), edited_by="cli:tester", dry_run=True)
    db.session.rollback()
    assert result.summary() == "Dry run, nothing stored: routing rules that would be 3 created, 0 updated, 0 unchanged."
    assert _rules(db) == []


def test_import_refuses_a_bad_file_whole_with_row_numbers(db, teams, tmp_path):
    bad = GOOD + (
        f"{CENTRAL},E06000002,drugs,,,,\n"
        ",,unicorns,NOPE,CFB;GHOST,high,\n"
        ",e06000003,fire_setting,CFB,,,again\n"
        ",E06000001,drugs,,,0,a note, with a comma\n"
    )
    with pytest.raises(RuleImportError) as error:
        import_rules(_write(tmp_path, bad), edited_by="cli:tester")
    assert error.value.problems == [
        "row 5: lad_code: Choose a ward or an authority, not both (a ward already lies in one authority)",
        "row 6: priority: 'high' is not a whole number; category: Unknown category 'unicorns'; "
        "lead_team: Unknown team 'NOPE'; copy_teams: Unknown team 'GHOST'",
        "row 7: scope: fire setting and arson in any ward of Redcar and Cleveland is also on row 2",
        "row 8: row: 8 values for 7 columns (put a note with a comma in double quotes)",
    ]
    assert _rules(db) == []


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "is empty"),
        ("ward_code,lad_code,category\n", "missing column lead_team, copy_teams, priority, note"),
        (HEADER, "has a header but no rows"),
        # Over the csv module's 128 KiB limit: reported as the teams import does, not a crash.
        (HEADER + '"' + "x" * 200_000 + '",,,,,,\n', "is not a CSV file that can be read (field larger"),
    ],
)
def test_import_refuses_files_that_are_not_rules(db, tmp_path, text, problem):
    with pytest.raises(RuleImportError) as error:
        import_rules(_write(tmp_path, text), edited_by="cli:tester")
    assert problem in error.value.problems[0]


def test_import_refuses_nul_characters_rather_than_storing_them(db, teams, tmp_path):
    """Regression: a NUL in a rule's note reached PostgreSQL, which refuses it (a
    psycopg.DataError, a crash). Refused by column, as the teams import does; a NUL in
    a code is reported as such, not as an unknown code that quotes it."""
    with pytest.raises(RuleImportError) as error:
        import_rules(
            _write(tmp_path, HEADER + ",E06000003,fire_setting,,CFB,0,Joint\x00patrols\n"), edited_by="cli:tester"
        )
    assert error.value.problems == ["row 2: note: holds a NUL character"]
    assert _rules(db) == []

    text = (
        HEADER
        + ",E06000003,fire_setting,,CFB,0,Joint patrols\n"
        + CENTRAL[:3]
        + "\x00"
        + CENTRAL[3:]
        + ",,,INT-TEST,CF\x00B,1\x00,\n"
    )
    with pytest.raises(RuleImportError) as error:
        import_rules(_write(tmp_path, text), edited_by="cli:tester")
    assert error.value.problems == [
        "row 3: ward_code: holds a NUL character; copy_teams: holds a NUL character; priority: holds a NUL character",
    ]
    assert _rules(db) == []


def test_import_of_a_missing_file(db):
    with pytest.raises(RuleImportError, match="no such file"):
        import_rules("/nonexistent/rules.csv", edited_by="cli:tester")


def test_listing_as_csv_reads_back_unchanged(db, teams, tmp_path):
    import_rules(_write(tmp_path, GOOD), edited_by="cli:tester")
    db.session.commit()
    exported = rules_csv(list_rules())
    assert exported.splitlines()[0] == HEADER.strip()
    assert (
        import_rules(_write(tmp_path, exported), edited_by="cli:tester").summary()
        == "Routing rules: 0 created, 0 updated, 3 unchanged."
    )


# ---- the sample rules ----------------------------------------------------------

CONFIG = ("teams", "routing rules")


def _sample_rules(db):
    return {
        (r.local_authority.code if r.local_authority else r.ward.code, r.category.code): r
        for r in db.session.scalars(sa.select(RoutingRule).where(RoutingRule.is_demo))
    }


def test_demo_load_adds_the_sample_rules_once(db):
    lines = load_demo(only=CONFIG)
    db.session.commit()
    assert "Sample routing rules: 6 created, 0 updated." in lines
    rules = _sample_rules(db)
    fire = rules[("E06000003", "fire_setting")]
    assert fire.lead_team is None and [t.code for t in fire.copy_teams] == ["CFB"]
    for lad, short in [("E06000001", "HPL"), ("E06000002", "MBRO"), ("E06000003", "RC"), ("E06000004", "STK")]:
        fly = rules[(lad, "fly_tipping")]
        assert fly.lead_team.code == f"COUNCIL-{short}" and fly.copy_teams == []
    bikes = rules[("E06000002", "off_road_bikes")]
    assert bikes.lead_team is None and [t.code for t in bikes.copy_teams] == ["YOUTH-MBRO"]
    assert all(r.is_demo and r.is_active and r.edited_by == "demo load" for r in rules.values())

    events = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    again = load_demo(only=CONFIG)
    db.session.commit()
    assert "Sample routing rules: 0 created, 0 updated." in again
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events


def test_sample_rules_route_demo_concerns(db):
    load_demo(only=CONFIG)
    db.session.commit()
    preview = preview_routing(_ward(ESTON), _category(db, "fire_setting"))
    assert (preview.lead_team.code, [t.code for t in preview.copied_teams]) == ("INT-RC", ["CFB"])
    assert preview_routing(_ward(YARM), _category(db, "fly_tipping")).lead_team.code == "COUNCIL-STK"
    bikes = preview_routing(_ward(CENTRAL), _category(db, "off_road_bikes"))
    assert (bikes.lead_team.code, [t.code for t in bikes.copied_teams]) == ("INT-MBRO", ["YOUTH-MBRO"])


def test_demo_clear_removes_the_sample_rules_and_leaves_real_ones(db, teams):
    real = _make(db, RuleDraft(ward_code=CENTRAL, category_code="drugs", lead_team_code="INT-TEST"))
    load_demo(only=CONFIG)
    db.session.commit()
    lines = clear_demo(only=CONFIG)
    db.session.commit()
    assert "Sample routing rules: 6 removed." in lines
    assert [r.id for r in _rules(db)] == [real.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Team).where(Team.is_demo)) == 0


def test_a_real_rule_for_a_sample_scope_is_left_alone(db, teams):
    real = _make(db, RuleDraft(lad_code="E06000003", category_code="fire_setting", lead_team_code="ENV-RC"))
    lines = load_demo(only=CONFIG)
    db.session.commit()
    assert f"Left alone real routing rules #{real.id} for the same area and category." in lines
    assert real.lead_team.code == "ENV-RC" and not real.is_demo


def test_demo_clear_refuses_while_real_rules_name_sample_teams(db):
    from engage.demo.services import DemoError

    load_demo(only=CONFIG)
    db.session.commit()
    real = _make(db, RuleDraft(ward_code=CENTRAL, category_code="drugs", lead_team_code="INT-MBRO"))
    with pytest.raises(DemoError, match=f"real routing rules name sample teams \\(#{real.id}\\)"):
        clear_demo(only=CONFIG)
    db.session.rollback()
    assert _sample_rules(db)  # nothing removed
