"""A choropleth of concerns by ward for the report, drawn server-side (no internet)."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib
import matplotlib.pyplot as plt  # noqa: E402
import shapely  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import sqlalchemy.orm as so  # noqa: E402

from engage.concerns.models import Concern
from engage.extensions import db  # noqa: E402
from engage.geography.boundaries import current_boundary_set  # noqa: E402
from engage.geography.models import Ward

matplotlib.use("Agg")  # no display on a server


def choropleth_png(period, source: str, width_in: float = 7.0) -> bytes:
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
    frame = gpd.GeoDataFrame(
        {
            "code": [w.code for w in wards],
            "concerns": [counts.get(w.code, 0) for w in wards],
            "lad": [w.local_authority_id for w in wards],
        },
        geometry=shapely.from_geojson([w.geometry for w in wards]),
        crs="EPSG:4326",
    ).to_crs(27700)
    fig, ax = plt.subplots(figsize=(width_in, width_in * 0.62), dpi=150)
    unique = frame["concerns"].nunique()
    # Quantile classes when the counts allow; with one or two distinct values, a
    # class per value (a continuous colour bar would take none of these options).
    classes = {"scheme": "quantiles", "k": min(5, unique)} if unique > 2 else {"categorical": True}
    frame.plot(
        column="concerns",
        ax=ax,
        cmap="YlOrRd",
        edgecolor="#5b6770",
        linewidth=0.3,
        legend=True,
        legend_kwds={
            "title": "Concerns (quantiles)" if unique > 2 else "Concerns",
            "loc": "lower left",
            "fontsize": 7,
            "title_fontsize": 8,
            "frameon": False,
        },
        **classes,
    )
    frame.dissolve(by="lad").boundary.plot(ax=ax, color="#0b3c5d", linewidth=1.2)
    ax.set_axis_off()
    ax.set_title(f"Concerns raised by ward, {period.label()}", fontsize=9)
    fig.text(
        0.99,
        0.01,
        "Boundaries: ONS, Open Government Licence v3. Contains OS data © Crown copyright 2013, 2019.",
        fontsize=5,
        ha="right",
        color="#555f66",
    )
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()
