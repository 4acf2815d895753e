"""/api/locate over generated input (hypothesis): any float written any way, NaN,
infinities, huge values, and arbitrary text, for lon/lat or grid. The answer is always
JSON and one of 200 (a ward), 400 (not usable coordinates: NaN and infinities among
them) or 404 (outside every ward), never a server error."""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ANY_FLOAT = st.floats(allow_nan=True, allow_infinity=True)
WRITTEN = st.one_of(
    ANY_FLOAT.map(repr),
    ANY_FLOAT.map(lambda x: f"{x:.20e}" if math.isfinite(x) else str(x)),
    st.sampled_from(
        [
            "nan",
            "NaN",
            "-nan",
            "inf",
            "-Infinity",
            "1e309",
            "-1e309",
            "1e-400",
            "0x1p3",
            "1_000",
            " -1.2 ",
            "",
            "١٢",
            "--1",
            "1e",
            "None",
        ]
    ),
    st.text(max_size=20).filter(lambda t: "\x00" not in t),
)
SETTINGS = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _as_float(text):
    try:
        return float(text.strip())
    except ValueError:
        return None


@SETTINGS
@given(lon=WRITTEN, lat=WRITTEN)
def test_locate_lonlat_never_fails(client, lon, lat):
    response = client.get("/api/locate", query_string={"lon": lon, "lat": lat})
    assert response.status_code in (200, 400, 404), response.get_data(as_text=True)
    body = response.get_json()
    x, y = _as_float(lon), _as_float(lat)
    usable = (
        x is not None
        and y is not None
        and math.isfinite(x)
        and math.isfinite(y)
        and -180 <= x <= 180
        and -90 <= y <= 90
    )
    if not usable:
        assert response.status_code == 400 and body["error"]
    elif response.status_code == 200:
        assert body["ward_code"].startswith("E05")
    else:
        assert response.status_code == 404 and body["vintage"]


@SETTINGS
@given(ANY_FLOAT, ANY_FLOAT)
def test_nan_and_infinities_are_400(client, lon, lat):
    response = client.get("/api/locate", query_string={"lon": repr(lon), "lat": repr(lat)})
    if not (math.isfinite(lon) and math.isfinite(lat)):
        assert response.status_code == 400
    else:
        assert response.status_code in (200, 400, 404)


@SETTINGS
@given(st.text(max_size=30))
def test_locate_grid_never_fails(client, grid):
    response = client.get("/api/locate", query_string={"grid": grid})
    assert response.status_code in (200, 400, 404), response.get_data(as_text=True)
    assert "error" in response.get_json() or response.status_code == 200
