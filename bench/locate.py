"""Ward lookup benchmark: geodata.Locator (STRtree) against naive loops over every ward.

    .venv/bin/python bench/locate.py [--points 100000] [--geodata DIR]

Prints Markdown for docs/benchmarks.md. Exits 1 if the indexed and naive lookups
disagree on any sampled point. Needs no Flask, only the geodata package.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import Point

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # runnable from a checkout without installing anything

from geodata import Locator, read_boundaries  # noqa: E402

Ward = tuple[str, Any]  # (code, unprepared shapely geometry)


def parse_args() -> argparse.Namespace:
    default_dir = os.environ.get("ENGAGE_GEODATA_DIR", str(REPO.parent / "shared" / "geodata"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=100_000, help="batch size (b, d, e)")
    parser.add_argument("--singles", type=int, default=20_000, help="single lookups (a, c)")
    parser.add_argument(
        "--naive-batch",
        type=int,
        default=5_000,
        help="points actually run through the naive batch (d), then extrapolated",
    )
    parser.add_argument("--repeat", type=int, default=3, help="best of N for the fast methods")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--geodata", default=default_dir, help="folder with wards-2018-12.geojson")
    return parser.parse_args()


def timed(run: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Best wall time of `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def naive_locate(wards: Sequence[Ward], lon: float, lat: float) -> str | None:
    # What one writes without an index: test every ward in code order; the first
    # hit is the lowest code, matching Locator's tie-break.
    point = Point(lon, lat)
    for code, polygon in wards:
        if polygon.contains(point):
            return code
    return None


def naive_batch(wards: Sequence[Ward], lons: np.ndarray, lats: np.ndarray) -> list[str | None]:
    # Batch shape without an index or vectorisation: polygons x points in Python.
    points = [Point(x, y) for x, y in zip(lons.tolist(), lats.tolist())]
    found: list[str | None] = [None] * len(points)
    for code, polygon in wards:
        for i, point in enumerate(points):
            if found[i] is None and polygon.contains(point):
                found[i] = code
    return found


def vectorised_no_index(wards: Sequence[Ward], lons: np.ndarray, lats: np.ndarray) -> list:
    # The middle ground: numpy over points, but still every polygon, no tree.
    found = np.full(lons.shape, None, dtype=object)
    for code, polygon in reversed(wards):  # lowest code written last, so it wins
        found[shapely.contains_xy(polygon, lons, lats)] = code
    return found.tolist()


def mismatches(label: str, a: Sequence, b: Sequence, lons: np.ndarray, lats: np.ndarray) -> int:
    bad = [i for i, (x, y) in enumerate(zip(a, b)) if x != y]
    for i in bad[:5]:
        print(f"MISMATCH {label} at ({lons[i]!r}, {lats[i]!r}): {a[i]} != {b[i]}", file=sys.stderr)
    return len(bad)


def main() -> int:
    args = parse_args()
    path = Path(args.geodata) / "wards-2018-12.geojson"
    boundaries = read_boundaries(path)
    # Locator prepares the geometries it is given; the naive loops get their own
    # unprepared copies so they really are the no-index, no-preparation baseline.
    locator = Locator([(w.code, w.geometry) for w in boundaries.wards])
    naive_wards = sorted((w.code, shapely.from_wkb(shapely.to_wkb(w.geometry))) for w in boundaries.wards)
    vertices = int(shapely.get_num_coordinates([g for _, g in naive_wards]).sum())

    rng = np.random.default_rng(args.seed)
    minx, miny, maxx, maxy = locator.bounds

    def random_points(n: int) -> tuple[np.ndarray, np.ndarray]:
        return rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)

    s_lons, s_lats = random_points(args.singles)
    b_lons, b_lats = random_points(args.points)
    sub = min(args.naive_batch, args.points)
    singles = list(zip(s_lons.tolist(), s_lats.tolist()))

    t_a, r_a = timed(lambda: [locator.locate(x, y) for x, y in singles], args.repeat)
    t_b, r_b = timed(lambda: locator.locate_many(b_lons, b_lats), args.repeat)
    t_c, r_c = timed(lambda: [naive_locate(naive_wards, x, y) for x, y in singles])
    t_d_sub, r_d = timed(lambda: naive_batch(naive_wards, b_lons[:sub], b_lats[:sub]))
    t_d = t_d_sub * args.points / sub
    t_e, r_e = timed(lambda: vectorised_no_index(naive_wards, b_lons, b_lats), args.repeat)

    bad = (
        mismatches("a/c", r_a, r_c, s_lons, s_lats)
        + mismatches("a/locate_many", r_a, locator.locate_many(s_lons, s_lats), s_lons, s_lats)
        + mismatches("b/d", r_b[:sub], r_d, b_lons, b_lats)
        + mismatches("b/e", r_b, r_e, b_lons, b_lats)
    )
    inside = sum(c is not None for c in r_b) / len(r_b)

    rate = {
        k: n / t
        for k, n, t in [
            ("a", args.singles, t_a),
            ("b", args.points, t_b),
            ("c", args.singles, t_c),
            ("d", args.points, t_d),
            ("e", args.points, t_e),
        ]
    }
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(f"- Date: {now}")
    print(f"- Machine: {platform.platform()} ({platform.machine()}), nproc {cpus}")
    print(
        f"- Python {platform.python_version()}, shapely {shapely.__version__} "
        f"(GEOS {shapely.geos_version_string}), numpy {np.__version__}"
    )
    print(
        f"- Data: {path.name}, {len(locator)} wards, {vertices:,} vertices; points uniform "
        f"in the ward bounding box ({minx:.4f}, {miny:.4f}, {maxx:.4f}, {maxy:.4f}), "
        f"seed {args.seed}; {inside:.1%} of batch points fall in a ward"
    )
    print(
        f"- Fast methods: best of {args.repeat} runs; naive (c) and (d): one run. "
        f"(d) ran {sub:,} points and is extrapolated linearly to {args.points:,}."
    )
    print()
    print("| Method | Points | Time (s) | Lookups/s | Indexed / naive |")
    print("|---|---:|---:|---:|---:|")
    rows = [
        ("a", "(a) `Locator.locate`, one call per point", args.singles, t_a, ""),
        (
            "c",
            "(c) naive: loop over all wards, `polygon.contains(Point)`",
            args.singles,
            t_c,
            f"(a)/(c) = {rate['a'] / rate['c']:,.1f}x",
        ),
        ("b", "(b) `Locator.locate_many`, one batch", args.points, t_b, ""),
        (
            "d",
            f"(d) naive batch: Python loop wards x points ({sub:,} run, extrapolated)",
            args.points,
            t_d,
            f"(b)/(d) = {rate['b'] / rate['d']:,.1f}x",
        ),
        (
            "e",
            "(e) no index but vectorised: `shapely.contains_xy` per ward",
            args.points,
            t_e,
            f"(b)/(e) = {rate['b'] / rate['e']:,.1f}x",
        ),
    ]
    for key, label, n, seconds, ratio in rows:
        print(f"| {label} | {n:,} | {seconds:.3f} | {rate[key]:,.0f} | {ratio} |")
    print()
    checked = 2 * args.singles + sub + args.points
    if bad:
        print(f"**FAILED: {bad} disagreements between indexed and naive lookups**")
        return 1
    print(f"All methods agree on every sampled point ({checked:,} comparisons).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
