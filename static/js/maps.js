// The concerns map: ward choropleth, heat layer, designations and authority outlines.
// Filters live in the URL so a view can be shared; changing one redraws in place.
(function () {
  "use strict";
  var holder = document.getElementById("concern-map");
  var form = document.getElementById("map-filters");
  var legend = document.getElementById("class-legend");
  var designationLegend = document.getElementById("designation-legend");
  if (!holder || typeof L === "undefined") { return; }
  var config = JSON.parse(document.getElementById("map-config").textContent);
  // ColorBrewer YlOrRd, 5 classes: readable for colour-blind users and in print.
  var RAMP = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
  var FILL = 0.8, DIMMED = 0.3;  // the heat layer is read through the ward colours
  // Hatching (patterns in templates/maps/index.html), so designations read over any shading.
  var HATCH = { strengthen: "url(#hatch-strengthen)", support: "url(#hatch-support)", sustain: "url(#hatch-sustain)" };
  var narrow = window.matchMedia("(max-width: 600px)").matches;

  var map = L.map(holder, { zoomSnap: 0.25, preferCanvas: false });  // fine steps: the area fills a phone too
  map.attributionControl.setPrefix(false).addAttribution("Boundaries: ONS, Open Government Licence v3");
  if (window.EngageBasemap) { window.EngageBasemap.addTo(map); }
  var wardShapes = null, designationLayer = null, outlineLayer = null;
  var heatLayer = L.heatLayer ? L.heatLayer([], { radius: 22, blur: 18, minOpacity: 0.35 }) : null;
  var figures = {}, classes = [], outside = {}, measure = "count", lad = config.filters.lad || "";

  function query() {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    return params;
  }

  // The server's classes: a figure belongs to the first whose upper bound it does not exceed.
  function classOf(value) {
    for (var i = 0; i < classes.length; i++) { if (value <= classes[i].upper) { return i; } }
    return classes.length - 1;
  }

  function colour(i) { return RAMP[i + RAMP.length - classes.length]; }  // fewer classes use the darker end

  function styleWard(feature) {
    var code = feature.properties.ward_code, f = figures[code];
    // Every key set each time: Leaflet's setStyle merges, so an omitted dashArray would stick.
    var style = { color: "#5b6770", weight: 1, dashArray: null, fillColor: "#ffffff", fillOpacity: 0 };
    if (!f) { return Object.assign(style, { color: "#8a959e", fillColor: "#eef1f3", fillOpacity: 0.6, dashArray: "3" }); }
    if (outside[code]) { return Object.assign(style, { color: "#8a959e", fillColor: "#c7ced4", fillOpacity: 0.5 }); }
    var value = f[measure];
    if (value === null || value === undefined) { return Object.assign(style, { fillOpacity: heatOn() ? DIMMED : FILL }); }
    if (value === 0) { return style; }  // nothing raised: no fill at all
    return Object.assign(style, { fillColor: colour(classOf(value)), fillOpacity: heatOn() ? DIMMED : FILL });
  }

  function heatOn() { return Boolean(heatLayer && map.hasLayer(heatLayer)); }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;  // names come from boundary files and admins: text, never HTML
    if (className) { node.className = className; }
    return node;
  }

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  // The tooltip as an element (Leaflet would insert a string as HTML).
  function describe(p) {
    var f = figures[p.ward_code];
    var box = document.createElement("div");
    box.append(element("strong", p.ward_name), " ", element("span", p.ward_code, "code"));
    var lines = [];
    if (!f) {
      lines.push("Not in your area");
    } else if (outside[p.ward_code]) {
      lines.push("Outside the selection (authority or designation filter)");
    } else {
      lines.push(plural(f.count, "concern") + ", " + plural(f.meetings, "meeting") + " held");
      if (f.per_meeting !== null) { lines.push(f.per_meeting + " per meeting"); }
    }
    lines.push("Designation: " + (p.designation ? p.designation.charAt(0).toUpperCase() + p.designation.slice(1) +
      (p.designation_is_sample ? " (sample)" : "") + (p.designation_from ? " since " + p.designation_from : "") : "not recorded"));
    lines.forEach(function (line) { box.append(document.createElement("br"), line); });
    return box;
  }

  function swatch(className, background) {
    var node = element("span", "", "swatch " + className);
    if (background) { node.style.background = background; }
    return node;
  }

  function legendRow(mark, label, wards) {
    var li = document.createElement("li");
    li.append(mark, element("span", label, "legend-label"));
    if (wards !== undefined) { li.append(" ", element("span", "(" + plural(wards, "ward") + ")", "muted")); }
    return li;
  }

  function drawLegend(data) {
    var perMeeting = measure === "per_meeting";
    var unit = perMeeting ? "concerns per meeting held" : "concerns";
    var intro = element("p", data.total + " " + (data.demo ? "demo " : "") + (data.total === 1 ? "concern, " : "concerns, ") +
      data.filters.from + " to " + data.filters.to + ".");
    var how = element("p", "Shaded by " + unit + "; classes: ");
    how.append(element("strong", data.method), ".");
    var list = document.createElement("ul");
    list.className = "legend-classes";
    list.append(legendRow(swatch("swatch-zero"), perMeeting ? "0 (meetings held, no concerns)" : "0 (no concerns)", data.zero));
    data.classes.forEach(function (c, i) { list.append(legendRow(swatch("swatch-class", colour(i)), c.label, c.wards)); });
    if (perMeeting) { list.append(legendRow(swatch("swatch-empty"), "no meeting held")); }
    if (data.outside_selection.length) {
      list.append(legendRow(swatch("swatch-outside"), "outside the selection", data.outside_selection.length));
    }
    list.append(legendRow(swatch("swatch-none"), "not in your area"));
    var parts = [element("h2", "Legend"), intro, how];
    if (data.note) { parts.push(element("p", data.note, "legend-note")); }
    parts.push(list);
    if (heatOn()) { parts.push(element("p", "Heat map on: ward colours are dimmed.", "muted")); }
    legend.replaceChildren.apply(legend, parts);
    legend.dataset.classes = String(data.classes.length);
  }

  // The real/demo switch (templates/_source_switch.html) keeps the filters chosen since the page loaded.
  function keepFiltersOnSwitch(params) {
    var link = document.querySelector("#source-switch a[data-source]");
    if (!link) { return; }
    var other = new URLSearchParams(params);
    other.set("source", link.dataset.source);
    link.href = "?" + other.toString();
  }

  var latest = null;
  function refresh() {
    var params = query();
    measure = params.get("measure") || "count";
    history.replaceState(null, "", "?" + params.toString());
    keepFiltersOnSwitch(params);
    return fetch("/api/v1/maps/wards?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("map data: HTTP " + r.status); } return r.json(); })
      .then(function (data) {
        latest = data;
        figures = data.wards; classes = data.classes; outside = {};
        data.outside_selection.forEach(function (code) { outside[code] = true; });
        if (wardShapes) { wardShapes.setStyle(styleWard); }
        drawLegend(data);
        holder.dataset.total = String(data.total);
        holder.dataset.refreshed = String(Date.now());
        return refreshHeat();
      })
      .catch(function (err) { legend.replaceChildren(element("p", err.message, "error")); });
  }

  function refreshHeat() {
    if (!heatOn()) { return Promise.resolve(); }
    var params = query();
    params.set("zoom", String(Math.round(map.getZoom())));
    return fetch("/api/v1/maps/heat?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var max = data.max || 1;
        heatLayer.setOptions({ max: max });
        heatLayer.setLatLngs(data.points.map(function (p) { return [p[0], p[1], p[2]]; }));
        holder.dataset.heatPoints = String(data.points.length);
      });
  }

  // The chosen authority's wards fill the map; "All of Cleveland" shows every ward.
  function zoomToAuthority() {
    if (!wardShapes) { return; }
    var bounds = L.latLngBounds([]);
    wardShapes.eachLayer(function (layer) {
      if (!lad || layer.feature.properties.lad_code === lad) { bounds.extend(layer.getBounds()); }
    });
    map.fitBounds(bounds.isValid() ? bounds : wardShapes.getBounds(), { padding: [10, 10] });
  }

  function layerToggled(e, on) {
    if (e.layer === heatLayer) {
      if (wardShapes) { wardShapes.setStyle(styleWard); }
      if (latest) { drawLegend(latest); }
      if (on) { refreshHeat(); }
    }
    if (e.layer === designationLayer) { designationLegend.hidden = !on; }
  }

  Promise.all([
    fetch("/api/wards?resolution=display").then(function (r) { return r.json(); }),
    fetch("/api/authorities").then(function (r) { return r.json(); })
  ]).then(function (results) {
    var wards = results[0], authorities = results[1];
    wardShapes = L.geoJSON(wards, {
      style: styleWard,
      onEachFeature: function (feature, layer) {
        // Read when the path is drawn: names each ward's path for styles and tests.
        layer.options.className = "ward-shape ward-" + feature.properties.ward_code;
        layer.bindTooltip(function () { return describe(feature.properties); }, { sticky: true });
        layer.on("click", function () { window.location.href = "/wards/" + feature.properties.ward_code + "?source=" + query().get("source"); });
      }
    }).addTo(map);
    // Drawn over the shading and not interactive: the ward underneath keeps its tooltip and link.
    designationLayer = L.geoJSON({
      type: "FeatureCollection",
      features: wards.features.filter(function (f) { return HATCH[f.properties.designation]; })
    }, {
      interactive: false,
      style: function (feature) {
        return { color: "#1b2a38", weight: 2, fillColor: HATCH[feature.properties.designation], fillOpacity: 1 };
      }
    });
    outlineLayer = L.geoJSON(authorities, {
      interactive: false,
      style: { color: "#0b3c5d", weight: 3, fill: false }
    }).addTo(map);
    var overlays = { "Local authority outlines": outlineLayer, "Designations (Strengthen / Support / Sustain)": designationLayer };
    if (heatLayer) { overlays["Heat map of concerns"] = heatLayer; }
    // On a phone the control is a button that opens the list, so it does not cover the map.
    var control = L.control.layers({ "Concerns by ward": wardShapes }, overlays, { collapsed: narrow }).addTo(map);
    // Other layers (static/js/maps_*.js) join this map and its layer control: they read
    // holder.engageMap if they load late, or hear the event (it bubbles to the document).
    holder.engageMap = { map: map, wards: wards, control: control };
    holder.dispatchEvent(new CustomEvent("engage:map-ready", { bubbles: true, detail: holder.engageMap }));
    map.on("moveend", function () { holder.dataset.bounds = map.getBounds().toBBoxString(); });
    zoomToAuthority();
    holder.dataset.wards = String(wards.features.length);
    map.on("overlayadd", function (e) { layerToggled(e, true); });
    map.on("overlayremove", function (e) { layerToggled(e, false); });
    map.on("zoomend", refreshHeat);
    return refresh();
  });

  form.addEventListener("change", function (e) {
    if (e.target && e.target.name === "lad") {
      lad = e.target.value;
      zoomToAuthority();
    }
    refresh();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
})();
