"""The choropleth's classes (engage/maps/classes.py): wards at 0 in none, ranges the
legend can print, and no invented classes when the figures are few."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engage.maps.classes import class_breaks, map_classes


def labels(answer):
    return [c["label"] for c in answer["classes"]]


def test_wards_at_zero_are_in_no_class_and_ranges_are_plain_whole_numbers():
    counts = [0] * 40 + [1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 27]
    answer = map_classes(counts)
    assert answer["zero"] == 40 and answer["few_values"] is False and answer["note"] is None
    classes = answer["classes"]
    assert 2 <= len(classes) <= 5
    # Ranges of whole numbers, in order, from the smallest count above 0 to the largest.
    assert classes[0]["lower"] == 1 and classes[-1]["upper"] == 27
    for below, above in zip(classes, classes[1:]):
        assert above["lower"] > below["upper"]
    assert all("0" not in label.split("–") for label in labels(answer))
    assert labels(answer)[-1].endswith("–27") and "–" in labels(answer)[0]
    assert sum(c["wards"] for c in classes) == 16


def test_a_busy_ward_gets_its_own_class_instead_of_flattening_the_rest():
    answer = map_classes([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 60], "jenks")
    assert answer["classes"][-1]["label"] == "60" and answer["classes"][-1]["wards"] == 1


def test_few_different_figures_get_one_class_each_and_the_answer_says_so():
    answer = map_classes([0, 0, 0, 2, 2, 5, 9, 9, 9])
    assert labels(answer) == ["2", "5", "9"] and [c["wards"] for c in answer["classes"]] == [2, 1, 3]
    assert answer["few_values"] is True and "3 different figures" in answer["note"]


def test_one_ward_with_concerns():
    answer = map_classes([0] * 78 + [4])
    assert labels(answer) == ["4"] and answer["zero"] == 78
    assert answer["note"] == "Every ward above 0 has the same figure, so there is one class."


def test_every_ward_at_zero_has_no_class():
    answer = map_classes([0] * 79)
    assert answer["classes"] == [] and answer["zero"] == 79 and answer["few_values"] is False
    assert answer["note"] == "No ward has a figure above 0."
    assert map_classes([])["classes"] == []


def test_rates_keep_their_decimals_and_wards_without_a_figure_are_left_out():
    rates = [None, None, 0.0, 0.5, 0.75, 1.0, 1.5, 2.25, 3.0, 4.5, 8.0]
    answer = map_classes(rates, "jenks")
    assert answer["zero"] == 1 and sum(c["wards"] for c in answer["classes"]) == 8
    assert answer["classes"][0]["lower"] == 0.5 and answer["classes"][-1]["upper"] == 8.0
    assert any("." in label for label in labels(answer))
    assert "0.5" in labels(answer)[0]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=400), min_size=2, max_size=120),
    st.integers(min_value=2, max_value=5),
)
def test_quantile_classes_are_mapclassifys_without_loading_it(counts, k):
    # The maps compute their classes with numpy (engage/maps/classes.py): the same
    # bounds as mapclassify's Quantiles, the reference here.
    import mapclassify

    data = np.asarray(counts, dtype=float)
    k = min(k, len(np.unique(data)))
    if k < 2:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = [round(float(b), 2) for b in mapclassify.Quantiles(data, k=k).bins]
    assert class_breaks(counts, "quantiles", k) == pytest.approx(expected, abs=0.011)


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.lists(st.integers(min_value=0, max_value=400), min_size=2, max_size=79),
        st.lists(
            st.floats(min_value=0, max_value=60, allow_nan=False).map(lambda x: round(x, 2)), min_size=2, max_size=79
        ),
    ),
    st.integers(min_value=2, max_value=5),
)
def test_natural_breaks_are_mapclassifys_without_loading_it(figures, k):
    # Counts and per-meeting rates, up to a figure per ward: the same bounds as
    # mapclassify's FisherJenks.
    import mapclassify

    data = np.asarray(figures, dtype=float)
    k = min(k, len(np.unique(data)))
    if k < 2:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = [round(float(b), 2) for b in mapclassify.FisherJenks(data, k=k).bins]
    assert class_breaks(figures, "jenks", k) == expected
