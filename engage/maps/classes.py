"""The choropleth's classes: which figures share a colour, and how the legend names them.

Plain functions over a list of figures (no database), so the map's answer and its tests
share one rule. Wards with no concerns are not a class: the map leaves them unfilled and
the legend gives them their own "0" entry, so one busy ward cannot make empty ones look busy.
"""

from __future__ import annotations

import numpy as np

BREAK_METHODS = {"quantiles": "Quantiles", "jenks": "Natural breaks (Fisher-Jenks)"}

# Up to this many different figures get a class each: splitting three values into five
# classes would invent distinctions the data does not have.
FEW_VALUES = 3
MAX_CLASSES = 5


def class_breaks(values, method: str = "quantiles", k: int = MAX_CLASSES) -> list[float]:
    """Upper bounds of the classes. Counts are skewed (a few wards raise most), so
    equal intervals would put nearly every ward in the first class."""
    data = np.asarray([v for v in values if v is not None], dtype=float)
    if data.size == 0:
        return []
    k = max(1, min(k, len(np.unique(data))))
    if k == 1:
        return [float(data.max())]
    bins = _fisher_jenks_bins(data, k) if method == "jenks" else _quantile_bins(data, k)
    return [round(float(b), 2) for b in bins]


def _quantile_bins(data: np.ndarray, k: int) -> np.ndarray:
    """mapclassify's Quantiles, as it computes them (the k-th percentiles, linearly
    interpolated, repeats merged), with numpy alone: the default map, asked for on every
    map view, then never waits for the 1.2 s import of mapclassify and scipy that a
    worker would pay on its first map (bench/load.py found it). tests/test_maps checks
    the two agree."""
    step = 100.0 / k
    percentiles = np.minimum(np.arange(step, 100.0 + step, step)[:k], 100.0)
    return np.unique(np.percentile(data, percentiles))


def _fisher_jenks_bins(data: np.ndarray, k: int) -> np.ndarray:
    """mapclassify's FisherJenks, as it computes them (Jenks' dynamic programme over the
    sorted figures, in float32 as it keeps its tables), with numpy alone. A map has at
    most one figure per ward (79), so the O(k·n²) programme takes milliseconds; importing
    mapclassify and scipy for it took each served worker 1.2 s on its first natural-breaks
    map, which under a meeting night's load just after a restart made the p95 seconds
    (bench/load.py, docs/benchmarks.md). tests/test_maps checks the two agree."""
    values = np.sort(data).astype("f8")
    n = len(values)
    lower = np.zeros((n + 1, k + 1), dtype=np.int32)  # where each best class starts
    cost = np.zeros((n + 1, k + 1), dtype=np.float32)  # its within-class variance
    lower[1, 1:] = 1
    cost[2:, 1:] = np.inf
    v = np.float32(0)
    for last in range(2, n + 1):
        s1 = s2 = w = np.float32(0)
        for m in range(1, last + 1):
            first = last - m + 1
            val = np.float32(values[first - 1])
            s2 += val * val
            s1 += val
            w += np.float32(1)
            v = s2 - (s1 * s1) / w
            before = first - 1
            if before != 0:
                candidate = v + cost[before, 1:k]
                better = cost[last, 2:] >= candidate
                lower[last, 2:][better] = first
                cost[last, 2:][better] = candidate[better]
        lower[last, 1] = 1
        cost[last, 1] = v
    bins = np.zeros(k + 1, dtype=values.dtype)
    bins[k], bins[0] = values[n - 1], values[0]
    end = n
    for count in range(k, 1, -1):
        start = lower[end, count]
        bins[count - 1] = values[int(start - 2)]
        end = int(start - 1)
    return np.delete(bins, 0)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{round(value, 2):g}"


def _label(lower: float, upper: float) -> str:
    return _number(upper) if lower == upper else f"{_number(lower)}–{_number(upper)}"


def map_classes(values, method: str = "quantiles", k: int = MAX_CLASSES) -> dict:
    """Classes over the figures above zero, for the map's answer.

    `values` are the wards' figures: counts, or rates such as concerns per meeting (None
    where there is no figure). Each class has `lower` and `upper`, the smallest and
    largest figure a ward in it has (so a ward belongs to the first class whose `upper`
    it does not exceed), `label` ("1–3", "10–27", "60") and `wards`. `zero` counts the
    wards at 0; `few_values` says when each different figure has a class of its own."""
    figures = [v for v in values if v is not None]
    present = sorted(v for v in figures if v > 0)
    distinct = sorted(set(present))
    few = 0 < len(distinct) <= FEW_VALUES
    uppers = distinct if few else class_breaks(present, method, k)
    classes, start = [], 0
    for i, upper in enumerate(uppers):
        # The last break is the largest figure, rounded: it takes whatever is left.
        members = present[start:] if i == len(uppers) - 1 else [v for v in present[start:] if v <= upper]
        if members:  # an empty class says nothing
            lower, top = members[0], members[-1]
            classes.append({"lower": lower, "upper": top, "label": _label(lower, top), "wards": len(members)})
            start += len(members)
    if not present:
        note = "No ward has a figure above 0."
    elif len(distinct) == 1:
        note = "Every ward above 0 has the same figure, so there is one class."
    elif few:
        note = f"Only {len(distinct)} different figures above 0, so one class for each."
    else:
        note = None
    return {"classes": classes, "zero": len(figures) - len(present), "few_values": few, "note": note}
