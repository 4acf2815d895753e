"""The ward-picker's service: a ward named as people type it, or the closest names."""

import pytest

from engage.geography.boundaries import current_boundary_set
from engage.geography.ward_names import resolve_ward, resolve_wards, ward_options


@pytest.mark.parametrize(
    "typed, code, shown",
    [
        ("linthorpe", "E05009862", "Linthorpe"),
        ("LINTHORPE", "E05009862", "Linthorpe"),
        ("Brotton ward", "E05001505", "Brotton"),
        ("st germains", "E05001519", "St Germain's"),
        ("Saint Germain's Ward", "E05001519", "St Germain's"),
        ("Central", "E05009857", "Central"),
        ("Central (Middlesbrough)", "E05009857", "Central"),
        ("E05009857", "E05009857", "Central"),
        ("e05009862", "E05009862", "Linthorpe"),
        ("  coulby   newham ", "E05009858", "Coulby Newham"),
    ],
)
def test_a_ward_is_found_by_its_name_as_typed_or_its_code(app_ctx, typed, code, shown):
    choice = resolve_ward(typed)
    assert choice.ward is not None and choice.ward.code == code
    assert choice.problem == "" and choice.shown == shown


def test_a_name_matching_nothing_says_so_with_the_closest_names(app_ctx):
    choice = resolve_ward("linthorp")
    assert choice.ward is None
    assert choice.problem == "No ward called 'linthorp'. Did you mean: Linthorpe, Nunthorpe?"
    assert choice.shown == "linthorp"  # what was typed is kept

    misspelt = resolve_ward("Brotten")
    assert misspelt.ward is None and "Brotton" in misspelt.suggestions

    # A part of a name offers every ward holding it, at most five.
    part = resolve_ward("central")
    assert part.ward is not None  # Central itself (Billingham Central is another ward)
    holding = resolve_ward("germain")
    assert holding.suggestions[0] == "St Germain's"
    assert len(resolve_ward("and").suggestions) == 5


def test_a_name_like_nothing_still_says_what_is_wrong(app_ctx):
    choice = resolve_ward("xyzzy")
    assert choice.ward is None and choice.suggestions == ()
    assert choice.problem.startswith("No ward called 'xyzzy'.") and "pick it from the list" in choice.problem


def test_an_unknown_code_is_no_ward_and_nothing_typed_is_no_problem(app_ctx):
    assert resolve_ward("E05999999").ward is None
    assert "No ward called 'E05999999'" in resolve_ward("E05999999").problem
    for nothing in ("", "   ", None):
        choice = resolve_ward(nothing)
        assert choice.ward is None and choice.problem == "" and choice.shown == ""


def test_several_wards_in_one_box(app_ctx):
    found, unknown = resolve_wards("Linthorpe, brotton ward; E05009857, nowhere")
    assert [w.code for w in found] == ["E05009862", "E05001505", "E05009857"]
    assert [c.text for c in unknown] == ["nowhere"] and "No ward called 'nowhere'" in unknown[0].problem


def test_the_pickers_list_is_the_current_register_by_name(app_ctx):
    options = ward_options()
    assert len(options) == 79
    assert [o.value for o in options] == sorted(o.value for o in options)
    linthorpe = next(o for o in options if o.code == "E05009862")
    assert (linthorpe.value, linthorpe.label) == ("Linthorpe", "Linthorpe (Middlesbrough)")
    assert ward_options(current_boundary_set()) == options
