// The phone's grid references (static/js/capture/geo.js) against the same table as the
// server's (tests/cases/gridref.json, read by tests/test_geodata/test_gridref.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { GridRefError, gridRefToLonLat, parseGridRef } from "../../static/js/capture/geo.js";

const CASES = JSON.parse(readFileSync(new URL("../cases/gridref.json", import.meta.url), "utf-8"));
const TOLERANCE = CASES.lonlat_tolerance_degrees;

for (const c of CASES.valid) {
  test(`${JSON.stringify(c.text)} is the centre of its square`, { todo: c.js_todo }, () => {
    assert.deepEqual(parseGridRef(c.text), [c.easting, c.northing]);
    const [lon, lat] = gridRefToLonLat(c.text);
    assert.ok(Math.abs(lon - c.lon) <= TOLERANCE, `lon ${lon}, expected ${c.lon} ± ${TOLERANCE}`);
    assert.ok(Math.abs(lat - c.lat) <= TOLERANCE, `lat ${lat}, expected ${c.lat} ± ${TOLERANCE}`);
  });
}

for (const c of CASES.invalid) {
  test(`${JSON.stringify(c.text)} is refused, saying why`, { todo: c.js_todo }, () => {
    assert.throws(() => parseGridRef(c.text), (err) => err instanceof GridRefError && err.message.includes(c.js_error));
    assert.throws(() => gridRefToLonLat(c.text), GridRefError);
  });
}
