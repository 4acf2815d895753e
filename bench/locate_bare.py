"""The baseline bench/locate_csv.py divides by: a plain shapely STRtree script doing the
job of `flask --app engage wards locate --csv`, from the same boundary file the app
imported and the same CSV, and writing the same output.

    python bench/locate_bare.py WARDS.geojson POINTS.csv > located.csv

Each row of POINTS.csv (with lon and lat columns) is written out with ward_code
appended, empty outside every ward; a point on a boundary shared by several wards gets
the lowest code, as geodata.Locator decides. Imports nothing of the app's.
"""

import csv
import json
import sys

import numpy as np
import shapely

if len(sys.argv) != 3:
    sys.exit(__doc__)
boundaries, points = sys.argv[1], sys.argv[2]
with open(boundaries, encoding="utf-8") as fh:
    features = sorted(json.load(fh)["features"], key=lambda f: f["properties"]["ward_code"])
codes = [f["properties"]["ward_code"] for f in features]
tree = shapely.STRtree(shapely.from_geojson([json.dumps(f["geometry"]) for f in features]))

with open(points, newline="", encoding="utf-8-sig") as fh:
    reader = csv.reader(fh)
    header = next(reader)
    rows = list(reader)
lon, lat = header.index("lon"), header.index("lat")
xy = np.array([(float(r[lon]), float(r[lat])) for r in rows])
point, ward = tree.query(shapely.points(xy), predicate="intersects")
best = np.full(len(rows), len(codes))
np.minimum.at(best, point, ward)  # several wards (a shared boundary): the lowest code

out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(header + ["ward_code"])
out.writerows(row + [codes[i] if i < len(codes) else ""] for row, i in zip(rows, best.tolist()))
