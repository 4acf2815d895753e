"""A choropleth of concerns by ward for the report, drawn server-side (no internet).

Its classes and their ranges ("0", "1–4", "5–9") are the web map's (`maps/classes.py`):
wards at 0 have their own key entry, and the key sits below the map, never over it."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt  # noqa: E402
import shapely  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import sqlalchemy.orm as so  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from engage.concerns.models import Concern
from engage.extensions import db  # noqa: E402
from engage.geography.boundaries import current_boundary_set  # noqa: E402
from engage.geography.models import Ward
from engage.maps.classes import map_classes

matplotlib.use("Agg")  # no display on a server

ZERO_COLOUR = "#f4f6f7"
# YlOrRd, five steps: as many classes as the web map draws.
CLASS_COLOURS = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]


def key_entries(counts: list[int]) -> list[tuple[str, str]]:
    """(label, colour) for each entry of the key: "0 (no concerns)" first, then the classes."""
    found = map_classes(counts)
    entries = [(f"0 (no concerns) ({found['zero']} wards)", ZERO_COLOUR)] if found["zero"] else []
    colours = CLASS_COLOURS[-len(found["classes"]) :] if len(found["classes"]) < 3 else CLASS_COLOURS
    for c, colour in zip(found["classes"], colours, strict=False):
        entries.append((f"{c['label']} ({c['wards']} ward{'' if c['wards'] == 1 else 's'})", colour))
    return entries


def _colour(count: int, found: dict, colours: list[str]) -> str:
    if not count:
        return ZERO_COLOUR
    for c, colour in zip(found["classes"], colours, strict=False):
        if count <= c["upper"]:
            return colour
    return colours[-1]


def choropleth_figure(period, source: str, width_in: float = 7.0):
    """(figure, map axes, key) so a test can see where each is drawn."""
    boundary_set = current_boundary_set()
    wards = db.session.scalars(
        sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id).options(so.undefer(Ward.geometry))
    ).all()
    lo, hi = period.moments()
    counts = dict(
        db.session.execute(
            sa.select(Ward.code, sa.func.count(Concern.id))
            .join(Ward, Concern.ward_id == Ward.id)
            .where(Concern.raised_at.between(lo, hi), Concern.is_demo.is_(source == "demo"))
            .group_by(Ward.code)
        ).all()
    )
    values = [counts.get(w.code, 0) for w in wards]
    found = map_classes(values)
    colours = CLASS_COLOURS[-len(found["classes"]) :] if len(found["classes"]) < 3 else CLASS_COLOURS
    frame = gpd.GeoDataFrame(
        {
            "colour": [_colour(v, found, colours) for v in values],
            "lad": [w.local_authority_id for w in wards],
        },
        geometry=shapely.from_geojson([w.geometry for w in wards]),
        crs="EPSG:4326",
    ).to_crs(27700)
    fig = plt.figure(figsize=(width_in, width_in * 0.78), dpi=150)
    # The map above, the key in its own strip below: they cannot overlap.
    ax = fig.add_axes((0.0, 0.2, 1.0, 0.74))
    key_ax = fig.add_axes((0.0, 0.0, 1.0, 0.17))
    frame.plot(color=frame["colour"], ax=ax, edgecolor="#5b6770", linewidth=0.3)
    frame.dissolve(by="lad").boundary.plot(ax=ax, color="#0b3c5d", linewidth=1.2)
    ax.set_axis_off()
    ax.set_title(f"Concerns raised by ward, {period.label()}", fontsize=10)
    key_ax.set_axis_off()
    handles = [Patch(facecolor=colour, edgecolor="#5b6770", label=label) for label, colour in key_entries(values)]
    key = key_ax.legend(
        handles=handles,
        loc="upper center",
        ncol=3,
        fontsize=9,
        title="Concerns per ward",
        title_fontsize=10,
        frameon=False,
    )
    fig.text(
        0.99,
        0.005,
        "Boundaries: ONS, Open Government Licence v3. Contains OS data © Crown copyright 2013, 2019.",
        fontsize=5,
        ha="right",
        color="#555f66",
    )
    return fig, ax, key


def choropleth_png(period, source: str, width_in: float = 7.0) -> bytes:
    fig, _, _ = choropleth_figure(period, source, width_in)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
