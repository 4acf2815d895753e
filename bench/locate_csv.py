"""Locating a file of points (issue #20): `flask --app engage wards locate --csv` on
100,000 points against a plain shapely STRtree script (bench/locate_bare.py) doing the
same job from the same file, start-up included, and every point checked to agree.

    .venv/bin/python bench/locate_csv.py [--points 100000] [--runs 3] [--seed 0]

The points are uniform over the wards' bounding box (seeded; about half fall in a
ward, the rest in the sea or outside Cleveland), written with six decimals to a CSV
with lon and lat columns. The app works on a fresh SQLite database (migrated, the
default wards imported from the boundary file); the bare script reads that same file
with json. Each is run --runs times, in turn, after one warm-up run each (so that every
file is in the page cache), its output to a file; wall time from starting the process
to its exit, and its peak resident memory (ru_maxrss from wait4). Medians are reported.
Goal: the app at most 3 times the bare script, every point agreeing. Prints Markdown
for docs/benchmarks.md; exits 0 whether the goal is met or not, 1 if any point
disagrees (the figures would then compare different work).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # runnable from a checkout

from bench.installation import (  # noqa: E402
    FLASK,
    GEODATA,
    header,
    installation,
    machine_activity,
    measured,
)

BOUNDARIES = GEODATA / "wards-2018-12.geojson"  # the app's default set, imported by `wards import-default`
BARE_SCRIPT = Path(__file__).resolve().parent / "locate_bare.py"


def write_points(path: Path, n: int, seed: int) -> tuple[float, float, float, float]:
    """n points uniform over the wards' bounding box; returns the box."""
    import shapely

    with open(BOUNDARIES, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    minx, miny, maxx, maxy = shapely.total_bounds(
        shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    ).tolist()
    rng = np.random.default_rng(seed)
    lons, lats = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(["lon", "lat"])
        out.writerows((f"{x:.6f}", f"{y:.6f}") for x, y in zip(lons.tolist(), lats.tolist()))
    return minx, miny, maxx, maxy


def codes(path: Path) -> list[tuple[str, str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return [(r["lon"], r["lat"], r["ward_code"]) for r in reader]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    lines = header()
    with installation() as (env, tmp):
        points = tmp / "points.csv"
        box = write_points(points, args.points, args.seed)
        commands = {
            "`flask --app engage wards locate --csv points.csv`": [*FLASK, "wards", "locate", "--csv", str(points)],
            "bare STRtree script (bench/locate_bare.py)": [
                sys.executable,
                str(BARE_SCRIPT),
                str(BOUNDARIES),
                str(points),
            ],
        }
        outputs = {label: tmp / f"located-{i}.csv" for i, label in enumerate(commands)}
        times = {label: [] for label in commands}
        memory = {label: [] for label in commands}
        for round_ in range(args.runs + 1):  # the first round warms up
            for label, cmd in commands.items():  # in turn, so that other load falls on both alike
                with open(outputs[label], "w", encoding="utf-8") as out:
                    seconds, mib = measured(cmd, env, stdout=out)
                if round_:
                    times[label].append(seconds)
                    memory[label].append(mib)
        app_label, bare_label = commands
        app_rows, bare_rows = codes(outputs[app_label]), codes(outputs[bare_label])
        identical = outputs[app_label].read_bytes() == outputs[bare_label].read_bytes()
    lines.append(f"- Machine at the end: {machine_activity()}")

    disagree = [(a, b) for a, b in zip(app_rows, bare_rows) if a != b]
    located = sum(1 for r in bare_rows if r[2])
    print("\n".join(lines))
    print(
        f"- {args.points:,} points uniform over the wards' bounding box ({box[0]:.4f}, {box[1]:.4f}, {box[2]:.4f}, "
        f"{box[3]:.4f}), seed {args.seed}, six decimals; {located / max(len(bare_rows), 1):.1%} fall in a ward. "
        f"Boundaries: {BOUNDARIES.name}. {args.runs} runs each after one warm-up, taken in turn"
    )
    print()
    print("| Command | Wall time (s): median (min-max) | Peak memory (MiB): median | Ratio to bare |")
    print("|---|---:|---:|---:|")
    bare_s = statistics.median(times[bare_label])
    for label in commands:
        s = statistics.median(times[label])
        print(
            f"| {label} | {s:.2f} ({min(times[label]):.2f}-{max(times[label]):.2f}) | "
            f"{statistics.median(memory[label]):.0f} | {s / bare_s:.1f}x |"
        )
    print()
    ratio = statistics.median(times[app_label]) / bare_s
    agree = not disagree and len(app_rows) == len(bare_rows) == args.points
    if agree:
        print(
            f"Every point agrees ({args.points:,}; the two outputs are "
            f"{'byte for byte identical' if identical else 'equal point by point'})."
        )
    else:
        print(
            f"**{len(disagree):,} points disagree** (rows: app {len(app_rows):,}, bare {len(bare_rows):,}); "
            "first few (lon, lat, ward) app / bare: " + "; ".join(f"{a} / {b}" for a, b in disagree[:5])
        )
    print(
        f"\nGoal (at most 3x the bare script, start-up included, every point agreeing): "
        f"{ratio:.1f}x, {'met' if ratio <= 3 and agree else 'NOT met'}"
    )
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
