"""Properties of routing (engage.teams.routing.route) over generated rules (hypothesis).

For any concern, any set of rules and any ward coverage:
- it gets a lead team, or it goes to the triage queue: never neither, never both;
- the rule chosen matches the concern, and no matching rule is more specific (ward
  beats authority beats everywhere; then a category beats none; then priority);
- the answer does not depend on the order the rules are listed in;
- with no matching rule, the ward's first covering INT leads, else triage;
- a copied team is never the lead, and only teams the chosen rule names are copied.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engage.teams.routing import ConcernFacts, RuleSpec, matches, route, specificity

WARDS = [1, 2, 3, 4]
AUTHORITY_OF = {1: 10, 2: 10, 3: 20, 4: 20}
CATEGORIES = [100, 101, 102]
TEAMS = [7, 8, 9]


@st.composite
def rule_lists(draw):
    count = draw(st.integers(0, 8))
    ids = draw(st.lists(st.integers(1, 1000), min_size=count, max_size=count, unique=True))
    rules = []
    for rule_id in ids:
        area = draw(st.sampled_from(["ward", "authority", "everywhere"]))
        rules.append(
            RuleSpec(
                id=rule_id,
                lead_team_id=draw(st.one_of(st.none(), st.sampled_from(TEAMS))),
                ward_id=draw(st.sampled_from(WARDS)) if area == "ward" else None,
                local_authority_id=draw(st.sampled_from([10, 20])) if area == "authority" else None,
                category_id=draw(st.one_of(st.none(), st.sampled_from(CATEGORIES))),
                copy_team_ids=tuple(draw(st.lists(st.sampled_from(TEAMS), max_size=3, unique=True))),
                priority=draw(st.integers(-2, 2)),
            )
        )
    return rules


FACTS = st.one_of(
    st.builds(
        lambda ward, category: ConcernFacts(ward, AUTHORITY_OF[ward], category),
        st.sampled_from(WARDS),
        st.sampled_from(CATEGORIES),
    ),
    st.builds(lambda category: ConcernFacts(None, None, category), st.sampled_from(CATEGORIES)),  # outside
)
COVERAGE = st.dictionaries(st.sampled_from(WARDS), st.lists(st.sampled_from(TEAMS), max_size=2, unique=True))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(FACTS, rule_lists(), COVERAGE, st.randoms(use_true_random=False))
def test_route(facts, rules, coverage, random):
    decision = route(facts, rules, coverage)

    # A lead team or the triage queue, never neither or both.
    assert (decision.lead_team_id is None) == (decision.queue == "triage")
    assert decision.routed_by in ("rule", "coverage", "triage")
    assert decision.reason

    matching = [r for r in rules if matches(r, facts)]
    ward_int = (coverage.get(facts.ward_id) or [None])[0] if facts.ward_id is not None else None
    if matching:
        chosen = next(r for r in rules if r.id == decision.rule_id)
        assert matches(chosen, facts)
        assert specificity(chosen) == max(specificity(r) for r in matching)
        assert decision.lead_team_id == (chosen.lead_team_id if chosen.lead_team_id is not None else ward_int)
        assert set(decision.copied_team_ids) <= set(chosen.copy_team_ids)
    else:
        assert decision.rule_id is None
        assert decision.lead_team_id == ward_int
        assert decision.routed_by == ("coverage" if ward_int is not None else "triage")
    assert decision.lead_team_id not in decision.copied_team_ids

    # The order the rules come in changes nothing.
    shuffled = list(rules)
    random.shuffle(shuffled)
    assert route(facts, shuffled, coverage) == decision
    assert route(facts, list(reversed(rules)), coverage) == decision


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(FACTS, rule_lists(), COVERAGE)
def test_a_more_specific_matching_rule_always_wins(facts, rules, coverage):
    """Add a rule for the concern's own ward and category, with the highest priority:
    it is the one chosen, whatever else there is."""
    if facts.ward_id is None:
        return
    best = RuleSpec(id=5000, lead_team_id=TEAMS[0], ward_id=facts.ward_id, category_id=facts.category_id, priority=3)
    decision = route(facts, rules + [best], coverage)
    assert decision.rule_id == 5000 and decision.lead_team_id == TEAMS[0]
