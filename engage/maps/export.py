"""A map to take away: one self-contained HTML file, made with folium from the aggregation
the concerns map shows (`services.choropleth`, `services.heat_cells`), for the wards the
user may see, that opens in any browser with the network off.

folium's own pages load Leaflet, jQuery and Bootstrap from CDNs; here every element's
CDN list is emptied and Leaflet, leaflet.heat and their CSS are inlined from the copies
the app already serves (node_modules, engage/platform/vendor.py). The words at the top
and the legend are plain HTML, so the file says what it shows even printed.

Residents' words go in only when asked for (and only the concerns the user sees, through
the policy); their positions are rounded to about 100 m unless exact ones are asked for.
Contact details never go in: a file cannot be recalled once it is on a laptop at a
tasking meeting.
"""

from __future__ import annotations

import base64
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import folium
import shapely
import sqlalchemy as sa
from branca.element import Element
from folium.plugins import HeatMap
from shapely.geometry import mapping, shape

from engage.accounts.policy import Scope
from engage.concerns.models import Category, Concern
from engage.extensions import db
from engage.geography.boundaries import OGL_ATTRIBUTION, current_boundary_set
from engage.geography.locating import locator_for
from engage.geography.models import LocalAuthority, Ward
from engage.geography.outlines import authority_outlines
from engage.geography.register import feature_collection, register_entries
from engage.maps import basemap_export
from engage.maps.classes import BREAK_METHODS
from engage.maps.services import MapFilters, choropleth, concern_filter, heat_cells
from engage.platform.audit import record_taken
from engage.platform.dates import OFFICE_ZONE

# ColorBrewer YlOrRd, as static/js/maps.js draws the page.
RAMP = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
# The designations hatched over the ward colours, with the patterns the map page uses
# (templates/maps/index.html).
HATCH_LABELS = {
    "strengthen": "Strengthen: cross-hatched",
    "support": "Support: diagonal lines",
    "sustain": "Sustain: dots",
}
PATTERNS = """<svg class="map-patterns" width="0" height="0" aria-hidden="true" focusable="false"><defs>
<pattern id="hatch-strengthen" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<path d="M4 0V8M0 4H8" stroke="#1b2a38" stroke-width="2"/></pattern>
<pattern id="hatch-support" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<path d="M4 0V8" stroke="#1b2a38" stroke-width="2.5"/></pattern>
<pattern id="hatch-sustain" width="8" height="8" patternUnits="userSpaceOnUse">
<circle cx="4" cy="4" r="1.6" fill="#1b2a38"/></pattern></defs></svg>"""
STATUS_WORDS = {"open": "open concerns"}
# About 100 m: 0.001 degrees is 111 m north-south and 65 m east-west at Cleveland's latitude.
ROUNDED_DECIMALS = 3
# A whole-area file with every concern's words would be a document, not a map.
MAX_TEXTS = 1000


class MapExportError(ValueError):
    """What is wrong with the map asked for (a filter, a ward), said to the person asking."""


@dataclass(frozen=True)
class MapRequest:
    filters: MapFilters
    ward_code: str | None = None
    measure: str = "count"
    breaks: str = "quantiles"
    include_texts: bool = False
    exact_positions: bool = False


@dataclass
class MapFile:
    html: str
    filename: str
    title: str
    # The figures drawn, keyed by ward code, as the page's map data gives them.
    figures: dict = field(default_factory=dict)
    texts: int = 0


def request_from_args(args, today, default_source: str = "real") -> MapRequest:
    """The map asked for by the page's query string (or the command's options, as a dict):
    the map filters, `ward`, `measure`, `breaks`, and the two choices `texts` and `exact`."""
    filters = MapFilters.from_args(args, today=today, default_source=default_source)
    return MapRequest(
        filters=filters,
        ward_code=(args.get("ward") or "").strip() or None,
        measure=args.get("measure") or "count",
        breaks=args.get("breaks") or "quantiles",
        include_texts=args.get("texts") in ("1", "on", "true", True),
        exact_positions=args.get("exact") in ("1", "on", "true", True),
    )


def _fmt_day(d) -> str:
    return f"{d.day} {d:%B %Y}"


def _vendor(node_modules: str, relative: str) -> str:
    return (Path(node_modules) / relative).read_text(encoding="utf-8")


def _leaflet_css(node_modules: str) -> str:
    """Leaflet's CSS with its images (the layers control's icon, markers) as data: URLs."""
    folder = Path(node_modules) / "leaflet" / "dist"
    css = (folder / "leaflet.css").read_text(encoding="utf-8")

    def inline(match):
        path = folder / match.group(1)
        if not path.is_file():
            return "none"
        data = base64.b64encode(path.read_bytes()).decode()
        return f"url(data:image/{path.suffix.lstrip('.').replace('svg', 'svg+xml')};base64,{data})"

    return re.sub(r"url\((images/[^)]+)\)", inline, css)


def _script_text(text: str) -> str:
    # Inside <script>, only "</" could end the element early.
    return text.replace("</", "<\\/")


def _in_template(text: str) -> str:
    """Text for a popup or tooltip: folium writes them into JavaScript template literals
    as HTML, so the text is escaped as HTML and then as a template (` $ \\)."""
    escaped = html.escape(text or "", quote=True)
    return escaped.replace("`", "&#96;").replace("$", "&#36;").replace("\\", "&#92;")


def _round_coords(geometry: dict, places: int = 5) -> dict:
    def walk(c):
        if isinstance(c, (int, float)):
            return round(c, places)
        return [walk(x) for x in c]

    return {**geometry, "coordinates": walk(geometry["coordinates"])} if "coordinates" in geometry else geometry


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _style(code: str, data: dict, outside: set, measure: str) -> dict:
    figures = data["wards"].get(code)
    style = {"color": "#5b6770", "weight": 1, "fillColor": "#ffffff", "fillOpacity": 0}
    if figures is None:
        return {**style, "color": "#8a959e", "fillColor": "#eef1f3", "fillOpacity": 0.6, "dashArray": "3"}
    if code in outside:
        return {**style, "color": "#8a959e", "fillColor": "#c7ced4", "fillOpacity": 0.5}
    value = figures[measure]
    if not value:
        return style
    classes = data["classes"]
    index = next((i for i, c in enumerate(classes) if value <= c["upper"]), len(classes) - 1)
    return {**style, "fillColor": RAMP[index + len(RAMP) - len(classes)], "fillOpacity": 0.8}


def _describe(entry, data: dict, outside: set) -> str:
    code = entry.ward.code
    figures = data["wards"].get(code)
    if figures is None:
        line = "Not in your area"
    elif code in outside:
        line = "Outside the selection (authority or designation filter)"
    else:
        line = f"{_plural(figures['count'], 'concern')}, {_plural(figures['meetings'], 'meeting')} held"
        if figures["per_meeting"] is not None:
            line += f"; {figures['per_meeting']} per meeting"
    return line


def _what(req: MapRequest, ward: Ward | None) -> tuple[str, list[str]]:
    """The title and the lines saying what the map shows."""
    f = req.filters
    if ward is not None:
        place = f"{ward.name} ({ward.code}), {ward.local_authority.name}"
    elif f.lad:
        authority = db.session.scalar(sa.select(LocalAuthority).where(LocalAuthority.code == f.lad))
        place = authority.name if authority else f.lad
    else:
        place = "Cleveland (Hartlepool, Middlesbrough, Redcar and Cleveland, Stockton-on-Tees)"
    what = "Concerns raised"
    if f.category:
        category = db.session.scalar(sa.select(Category).where(Category.code == f.category))
        what += f": {category.label if category else f.category}"
    lines = [f"Period: {_fmt_day(f.date_from)} to {_fmt_day(f.date_to)}"]
    if f.status:
        lines.append(f"Status: {STATUS_WORDS.get(f.status, f.status.replace('_', ' '))}")
    if f.designation:
        lines.append(f"Wards designated {f.designation.capitalize()}")
    shaded = "concerns per meeting held" if req.measure == "per_meeting" else "concerns"
    lines.append(f"Wards shaded by {shaded}; classes: {BREAK_METHODS[req.breaks]}")
    return f"{what} — {place}", lines


def _neighbours(ward: Ward, boundary_set) -> set[str]:
    """The ward and the wards around it, as its page draws them: alone, it compares with nothing."""
    return {ward.code, *locator_for(boundary_set).locator.neighbours(ward.code)}


def _texts(req: MapRequest, scope: Scope, boundary_set, ward: Ward | None):
    stmt = sa.select(Concern).join(Ward, Concern.ward_id == Ward.id).order_by(Concern.raised_at.desc())
    if ward is not None:
        stmt = stmt.where(Ward.code == ward.code)
    stmt = concern_filter(stmt, req.filters, scope, boundary_set.id)
    return db.session.scalars(stmt.limit(MAX_TEXTS + 1)).unique().all()


def _text_layer(points: list) -> folium.GeoJson:
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": points},
        name="Concerns raised (residents' words)",
        marker=folium.CircleMarker(
            radius=6, color="#0b3c5d", weight=2, fill=True, fill_color="#ffffff", fill_opacity=0.9
        ),
        tooltip=folium.GeoJsonTooltip(fields=["category"], labels=False),
        popup=folium.GeoJsonPopup(
            fields=["category", "raised", "words"], aliases=["Concern", "Raised", "Words"], max_width=320
        ),
    )


def _legend(data: dict, req: MapRequest, texts_note: str, basemap_note: str, ward: Ward | None = None) -> str:
    rows = [
        '<li><span class="swatch" style="background:#fff"></span>0 (no concerns) '
        f'<span class="muted">({_plural(data["zero"], "ward")})</span></li>'
    ]
    for i, c in enumerate(data["classes"]):
        colour = RAMP[i + len(RAMP) - len(data["classes"])]
        rows.append(
            f'<li><span class="swatch" style="background:{colour}"></span>{html.escape(c["label"])} '
            f'<span class="muted">({_plural(c["wards"], "ward")})</span></li>'
        )
    if data["outside_selection"]:
        rows.append(
            '<li><span class="swatch" style="background:#c7ced4"></span>outside the selection '
            f'<span class="muted">({_plural(len(data["outside_selection"]), "ward")})</span></li>'
        )
    rows.append('<li><span class="swatch dashed" style="background:#eef1f3"></span>not in your area</li>')
    for name, label in HATCH_LABELS.items():
        rows.append(
            '<li><svg class="swatch-hatch" width="28" height="20" aria-hidden="true" focusable="false">'
            f'<rect x="1" y="1" width="26" height="18" fill="url(#hatch-{name})" stroke="#1b2a38" stroke-width="2"/>'
            f"</svg> Designation layer: {label}</li>"
        )
    total = data["total"]
    intro = f"{total} {'demo ' if data['demo'] else ''}concern{'' if total == 1 else 's'} in the period"
    if ward is not None:
        intro += f" in every ward you may see: the classes compare {ward.name} with all of them."
    else:
        intro += "."
    note = f'<p class="muted">{html.escape(data["note"])}</p>' if data.get("note") else ""
    return (
        f'<section class="legend" aria-labelledby="legend-title"><h2 id="legend-title">Legend</h2>'
        f"<p>{intro}</p>{note}<ul>{''.join(rows)}</ul>"
        f'<p class="muted">Heat map of concerns: a layer, off at first (layers button, top right).</p>'
        f"<p>{html.escape(texts_note)}</p><p>{html.escape(basemap_note)}</p></section>"
    )


PAGE_CSS = """
html, body { height: auto; }
/* The map between the words at the top and the legend, whatever order folium writes them in. */
body { font-family: Arial, Helvetica, sans-serif; color: #1b2a38; margin: 0; display: flex; flex-direction: column; }
.demo-banner { order: 0; }
header.about { order: 1; }
.folium-map { order: 2; flex: 0 0 auto; }
.legend { order: 3; }
footer.credits { order: 4; }
header.about { padding: .75rem 1rem; border-bottom: 1px solid #c7ced4; }
header.about h1 { font-size: 1.25rem; margin: 0 0 .25rem; }
header.about p { margin: .15rem 0; }
.demo-banner { background: #ffd24d; color: #1b2a38; font-weight: bold; padding: .35rem 1rem; letter-spacing: .05em; }
.legend { padding: .5rem 1rem 1rem; }
.legend h2 { font-size: 1.05rem; margin: .25rem 0; }
.legend ul { list-style: none; padding: 0; margin: .25rem 0; }
.legend li { margin: .15rem 0; }
.swatch { display: inline-block; width: 1.1em; height: 1.1em; border: 1px solid #5b6770; vertical-align: middle; margin-right: .4em; }
.swatch.dashed { border-style: dashed; }
.swatch-hatch { vertical-align: middle; margin-right: .2em; }
.map-patterns { position: absolute; }
.muted { color: #4a5560; }
.leaflet-container { background: #ffffff; }
footer.credits { font-size: .85rem; padding: .5rem 1rem 1rem; color: #4a5560; }
@media print { .leaflet-control-container { display: none; } }
"""


def map_file(
    req: MapRequest,
    scope: Scope,
    *,
    made_by: str,
    made_at: datetime,
    node_modules: str,
    instance_path: str | None = None,
) -> MapFile:
    """The map as one HTML file, for the user whose `scope` it is: the wards, figures and
    (when asked for) concerns the policy lets them see on the page, and nothing else. A
    ward outside their area is a LookupError (the page answers 404, as for the ward)."""
    f = req.filters
    if f.errors:
        raise MapExportError("; ".join(f.errors))
    if req.measure not in ("count", "per_meeting"):
        raise MapExportError(f"measure: '{req.measure}' is not count or per_meeting")
    if req.breaks not in BREAK_METHODS:
        raise MapExportError(f"breaks: '{req.breaks}' is not quantiles or jenks")
    boundary_set = current_boundary_set()
    if boundary_set is None:
        raise MapExportError("no ward boundaries are imported yet")
    ward = None
    if req.ward_code:
        ward = db.session.scalar(
            sa.select(Ward).where(Ward.boundary_set_id == boundary_set.id, Ward.code == req.ward_code.upper())
        )
        if ward is None or not scope.may_open_ward(ward.id):
            raise LookupError(req.ward_code)
    data = choropleth(f, scope, boundary_set, req.measure, req.breaks)
    outside = set(data["outside_selection"])
    entries = [e for e in register_entries(boundary_set, on=f.date_to, outlines=True) if e.ward.code in data["wards"]]
    drawn = _neighbours(ward, boundary_set) if ward is not None else None
    if drawn is not None:
        entries = [e for e in entries if e.ward.code in drawn]
    collection = feature_collection(entries, boundary_set, "display")
    for feature_, entry in zip(collection["features"], entries):
        feature_["geometry"] = _round_coords(feature_["geometry"])
        code = entry.ward.code
        feature_["properties"] = {
            "ward_name": _in_template(entry.ward.name),
            "ward_code": code,
            "figures": _in_template(_describe(entry, data, outside)),
            "designation": _in_template(entry.designation_label or "not recorded"),
            "style": _style(code, data, outside, req.measure),
        }
    title, lines = _what(req, ward)
    if ward is not None:
        lines.insert(
            1, f"{ward.name}: {_describe(next(e for e in entries if e.ward.code == ward.code), data, outside)}"
        )

    shapes = [shape(feat["geometry"]) for feat in collection["features"]]
    if ward is not None:
        focus = locator_for(boundary_set).geometries[ward.code]
    elif f.lad:
        focus = shapely.union_all([s for s, e in zip(shapes, entries) if e.ward.local_authority.code == f.lad])
    else:
        focus = shapely.union_all(shapes) if shapes else None
    west, south, east, north = (
        focus.bounds if focus is not None and not focus.is_empty else (-1.47, 54.46, -0.78, 54.74)
    )

    fmap = folium.Map(
        location=[(south + north) / 2, (west + east) / 2],
        tiles=None,
        zoom_start=11,
        height="70vh",
        control_scale=True,
        zoom_snap=0.25,
    )
    # folium's defaults load Leaflet, jQuery and Bootstrap from CDNs: nothing here may.
    fmap.default_js, fmap.default_css = [], []

    base = None
    if instance_path:
        base = basemap_export.inline_layer(instance_path, (west, south, east, north), fmap.get_name(), node_modules)
    if base is not None:
        fmap.add_child(base.element)

    wards_layer = folium.GeoJson(
        collection,
        name="Concerns by ward",
        style_function=lambda feat: feat["properties"]["style"],
        tooltip=folium.GeoJsonTooltip(
            fields=["ward_name", "ward_code", "figures", "designation"],
            aliases=["Ward", "Code", "Concerns", "Designation"],
            sticky=True,
        ),
        highlight_function=lambda feat: {"weight": 3},
    )
    wards_layer.add_to(fmap)
    if ward is not None:
        folium.GeoJson(
            _round_coords(json.loads(json.dumps(mapping(focus)))),
            name=f"{ward.name} outline",
            style_function=lambda feat: {"color": "#0b3c5d", "weight": 4, "fill": False},
            interactive=False,
        ).add_to(fmap)

    designation_features = [
        {"type": "Feature", "properties": {"d": e.designation}, "geometry": feat["geometry"]}
        for feat, e in zip(collection["features"], entries)
        if e.designation in HATCH_LABELS
    ]
    folium.GeoJson(
        {"type": "FeatureCollection", "features": designation_features},
        name="Designations (Strengthen / Support / Sustain)",
        style_function=lambda feat: {
            "color": "#1b2a38",
            "weight": 2,
            "fillColor": f"url(#hatch-{feat['properties']['d']})",
            "fillOpacity": 1,
        },
        interactive=False,
        show=False,
    ).add_to(fmap)

    if ward is None:
        outlines = authority_outlines(boundary_set)
        simplified = {
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "properties": {},
                    "geometry": _round_coords(mapping(shape(o["geometry"]).simplify(0.0003))),
                }
                for o in outlines["features"]
            ],
        }
        folium.GeoJson(
            json.loads(json.dumps(simplified)),
            name="Local authority outlines",
            style_function=lambda feat: {"color": "#0b3c5d", "weight": 3, "fill": False},
            interactive=False,
        ).add_to(fmap)

    cells = heat_cells(f, scope, boundary_set.id, 13 if ward is not None else 11)
    points = cells["points"]
    if ward is not None:
        area = locator_for(boundary_set).geometries[ward.code].buffer(0.01)
        points = [p for p in points if area.contains(shapely.Point(p[1], p[0]))]
    heat = HeatMap(
        points,
        name="Heat map of concerns",
        radius=22,
        blur=18,
        min_opacity=0.35,
        show=False,
    )
    heat.default_js = []
    heat.add_to(fmap)

    text_count = 0
    if req.include_texts:
        concerns = _texts(req, scope, boundary_set, ward)
        capped = len(concerns) > MAX_TEXTS
        concerns = concerns[:MAX_TEXTS]
        points_ = []
        for concern in concerns:
            placed = concern.lat is not None and concern.lon is not None
            # With no position of its own, a concern is shown at its ward's label point.
            lat, lon = (concern.lat, concern.lon) if placed else (concern.ward.label_lat, concern.ward.label_lon)
            if not req.exact_positions:
                lat, lon = round(lat, ROUNDED_DECIMALS), round(lon, ROUNDED_DECIMALS)
            raised = concern.raised_at.astimezone(OFFICE_ZONE)
            points_.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {
                        "category": _in_template(concern.category.label),
                        "raised": _fmt_day(raised) + ("" if placed else " (no position: shown at the ward's centre)"),
                        "words": _in_template(concern.description),
                    },
                }
            )
        # Popups from the features' properties: folium.Popup would need jQuery.
        if points_:
            _text_layer(points_).add_to(fmap)
        text_count = len(concerns)
        where = "exact positions" if req.exact_positions else "positions rounded to about 100 m"
        texts_note = (
            f"Residents' words: {_plural(text_count, 'concern')} as markers ({where}); "
            "no contact details. Handle this file as OFFICIAL-SENSITIVE."
        )
        if capped:
            texts_note += f" Only the newest {MAX_TEXTS} are included."
    else:
        texts_note = "No residents' words or contact details are in this file: figures per ward only."

    folium.LayerControl(collapsed=True).add_to(fmap)
    fmap.fit_bounds([[south, west], [north, east]], padding=(10, 10))

    attribution = boundary_set.attribution or f"{OGL_ATTRIBUTION} 2013 and 2019."
    credits = [f"Boundaries: {attribution}"]
    basemap_note = "No base map: ward outlines only."
    if base is not None:
        credits.append(f"Base map: {base.attribution}")
        basemap_note = base.note
    fmap.add_child(
        basemap_export.Code(
            f"{fmap.get_name()}.attributionControl.setPrefix(false)"
            f".addAttribution({json.dumps('Boundaries: ONS, Open Government Licence v3')});"
        )
    )

    figure = fmap.get_root()
    figure.header.add_child(Element(f"<title>{html.escape(title)}</title>"), name="title")
    figure.header.add_child(Element(f"<style>{_leaflet_css(node_modules)}</style>"), name="leaflet_css")
    figure.header.add_child(Element(f"<style>{PAGE_CSS}</style>"), name="page_css")
    figure.header.add_child(
        Element(f"<script>{_script_text(_vendor(node_modules, 'leaflet/dist/leaflet.js'))}</script>"), name="leaflet"
    )
    figure.header.add_child(
        Element(f"<script>{_script_text(_vendor(node_modules, 'leaflet.heat/dist/leaflet-heat.js'))}</script>"),
        name="leaflet_heat",
    )
    if base is not None:
        for name, script in base.scripts:
            figure.header.add_child(Element(f"<script>{_script_text(script)}</script>"), name=name)

    made = made_at.astimezone(OFFICE_ZONE)
    about = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    demo = (
        '<p class="demo-banner" role="note">DEMO DATA: made-up concerns for trying engage</p>' if data["demo"] else ""
    )
    figure.html.add_child(
        Element(
            f'{demo}<header class="about"><h1>{html.escape(title)}</h1>{about}'
            f"<p>Made by {html.escape(made_by)} on {_fmt_day(made)} at {made:%H:%M} with engage.</p></header>"
        ),
        name="about",
        index=0,
    )
    shown = {code: v for code, v in data["wards"].items() if drawn is None or code in drawn}
    figures_json = json.dumps(
        {
            "filters": data["filters"],
            "measure": req.measure,
            "total": data["total"],
            "wards": shown,
            "demo": data["demo"],
        },
        sort_keys=True,
    )
    figure.html.add_child(
        Element(
            PATTERNS
            + _legend(data, req, texts_note, basemap_note, ward)
            + f'<footer class="credits"><p>{"</p><p>".join(html.escape(c) for c in credits)}</p></footer>'
            + f'<script type="application/json" id="map-figures">{_script_text(figures_json)}</script>'
        ),
        name="legend",
    )
    rendered = _stable_ids(figure.render())
    slug = ward.code if ward is not None else (f.lad or "cleveland")
    filename = (
        f"engage-map-{slug}-{f.date_from.isoformat()}-to-{f.date_to.isoformat()}{'-demo' if data['demo'] else ''}.html"
    )
    return MapFile(rendered, filename, title, shown, text_count)


def _stable_ids(text: str) -> str:
    """folium names each element with a random hex id; numbered in order instead, the same
    map makes the same file (but for its "made on" line), which a diff can compare."""
    names: dict[str, str] = {}

    def number(match):
        return names.setdefault(match.group(0), f"{match.group(1)}{len(names) + 1}")

    return re.sub(r"\b([a-z_]+_)[0-9a-f]{32}(?![0-9a-f])", number, text)


def record_download(req: MapRequest, made: MapFile) -> None:
    """The file in the audit trail, as an export is (the caller commits)."""
    record_taken(
        "map",
        made.filename,
        f"Map taken away: {made.title}{' with residents’ words' if made.texts else ''}",
        {
            "filters": req.filters.as_args(),
            "ward": req.ward_code,
            "concern_texts": made.texts,
            "exact_positions": bool(made.texts and req.exact_positions),
        },
    )
