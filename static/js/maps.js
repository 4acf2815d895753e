// The concerns map: ward choropleth, heat layer, designations and authority outlines.
// Filters live in the URL so a view can be shared; changing one redraws in place.
(function () {
  "use strict";
  var holder = document.getElementById("concern-map");
  var form = document.getElementById("map-filters");
  var legend = document.getElementById("map-legend");
  if (!holder || typeof L === "undefined") { return; }
  // ColorBrewer YlOrRd, 5 classes: readable for colour-blind users and in print.
  var RAMP = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];
  var DESIGNATION = { strengthen: "#a1261f", support: "#d08c00", sustain: "#1f6b3a" };

  var map = L.map(holder, { zoomSnap: 0.5, preferCanvas: false });
  map.attributionControl.setPrefix(false).addAttribution("Boundaries: ONS, Open Government Licence v3");
  if (window.EngageBasemap) { window.EngageBasemap.addTo(map); }
  var wardShapes = null, designationLayer = null, outlineLayer = null;
  var heatLayer = L.heatLayer ? L.heatLayer([], { radius: 22, blur: 18, minOpacity: 0.35 }) : null;
  var figures = {}, breaks = [], measure = "count";

  function query() {
    var params = new URLSearchParams(new FormData(form));
    Array.from(params.keys()).forEach(function (k) { if (!params.get(k)) { params.delete(k); } });
    return params;
  }

  function classOf(value) {
    if (value === null || value === undefined) { return -1; }
    for (var i = 0; i < breaks.length; i++) { if (value <= breaks[i]) { return i; } }
    return breaks.length - 1;
  }

  function styleWard(feature) {
    var f = figures[feature.properties.ward_code];
    if (!f) { return { color: "#8a959e", weight: 1, fillColor: "#eef1f3", fillOpacity: 0.6, dashArray: "3" }; }
    var c = classOf(f[measure]);
    var offset = RAMP.length - breaks.length;  // fewer classes use the darker end
    // Every key set each time: Leaflet's setStyle merges, so an omitted dashArray would stick.
    return { color: "#5b6770", weight: 1, dashArray: null, fillColor: c < 0 ? "#ffffff" : RAMP[Math.max(0, c + offset)], fillOpacity: 0.8 };
  }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;  // names come from boundary files and admins: text, never HTML
    if (className) { node.className = className; }
    return node;
  }

  // The tooltip as an element (Leaflet would insert a string as HTML).
  function describe(p) {
    var f = figures[p.ward_code];
    var box = document.createElement("div");
    box.append(element("strong", p.ward_name), " ", element("span", p.ward_code, "code"));
    var lines = [];
    if (f) {
      lines.push(f.count + " concern" + (f.count === 1 ? "" : "s") + ", " + f.meetings + " meeting" + (f.meetings === 1 ? "" : "s") + " held");
      if (f.per_meeting !== null) { lines.push(f.per_meeting + " per meeting"); }
    } else {
      lines.push("Not in your area");
    }
    lines.push("Designation: " + (p.designation ? p.designation.charAt(0).toUpperCase() + p.designation.slice(1) +
      (p.designation_is_sample ? " (sample)" : "") + (p.designation_from ? " since " + p.designation_from : "") : "not recorded"));
    lines.forEach(function (line) { box.append(document.createElement("br"), line); });
    return box;
  }

  function drawLegend(data) {
    var unit = measure === "per_meeting" ? "concerns per meeting held" : "concerns";
    var rows = breaks.map(function (upper, i) {
      var offset = RAMP.length - breaks.length, label;
      if (measure === "count") {  // whole numbers: "0", "1", "2–4"
        var lo = i === 0 ? 0 : Math.floor(breaks[i - 1]) + 1, hi = Math.floor(upper);
        label = lo >= hi ? String(hi) : lo + "–" + hi;
      } else {
        label = i === 0 ? "up to " + upper : "over " + breaks[i - 1] + ", up to " + upper;
      }
      return "<li><span class='swatch swatch-" + (i + offset) + "'></span>" + label + "</li>";
    }).join("");
    legend.innerHTML = "<h2>Legend</h2><p>" + data.total + " " + (data.demo ? "demo " : "") +
      (data.total === 1 ? "concern, " : "concerns, ") +
      data.filters.from + " to " + data.filters.to + ".</p><p>Shaded by " + unit + "; classes: <strong>" + data.method +
      "</strong>.</p><ul class='legend-classes'>" + (rows || "<li>No concerns match.</li>") + "</ul>" +
      "<p><span class='swatch swatch-none'></span> not in your area</p>";
  }

  function refresh() {
    var params = query();
    measure = params.get("measure") || "count";
    history.replaceState(null, "", "?" + params.toString());
    document.getElementById("demo-banner").hidden = params.get("source") !== "demo";
    return fetch("/api/v1/maps/wards?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("map data: HTTP " + r.status); } return r.json(); })
      .then(function (data) {
        figures = data.wards; breaks = data.breaks;
        if (wardShapes) { wardShapes.setStyle(styleWard); }
        drawLegend(data);
        holder.dataset.total = String(data.total);
        holder.dataset.refreshed = String(Date.now());
        return refreshHeat();
      })
      .catch(function (err) { legend.replaceChildren(element("p", err.message, "error")); });
  }

  function refreshHeat() {
    if (!heatLayer || !map.hasLayer(heatLayer)) { return Promise.resolve(); }
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

  Promise.all([
    fetch("/api/wards").then(function (r) { return r.json(); }),
    fetch("/api/authorities").then(function (r) { return r.json(); })
  ]).then(function (results) {
    var wards = results[0], authorities = results[1];
    wardShapes = L.geoJSON(wards, {
      style: styleWard,
      onEachFeature: function (feature, layer) {
        layer.bindTooltip(function () { return describe(feature.properties); }, { sticky: true });
        layer.on("click", function () { window.location.href = "/wards/" + feature.properties.ward_code; });
      }
    }).addTo(map);
    designationLayer = L.geoJSON(wards, {
      style: function (feature) {
        var d = feature.properties.designation;
        return { color: "#ffffff", weight: 1, fillColor: DESIGNATION[d] || "#c7ced4", fillOpacity: d ? 0.75 : 0.4 };
      },
      onEachFeature: function (feature, layer) { layer.bindTooltip(function () { return describe(feature.properties); }, { sticky: true }); }
    });
    outlineLayer = L.geoJSON(authorities, {
      style: { color: "#0b3c5d", weight: 3, fill: false, interactive: false }
    }).addTo(map);
    var overlays = { "Local authority outlines": outlineLayer, "Designations (Strengthen / Support / Sustain)": designationLayer };
    if (heatLayer) { overlays["Heat map of concerns"] = heatLayer; }
    L.control.layers({ "Concerns by ward": wardShapes }, overlays, { collapsed: false }).addTo(map);
    map.fitBounds(wardShapes.getBounds(), { padding: [10, 10] });
    holder.dataset.wards = String(wards.features.length);
    map.on("overlayadd", function (e) { if (e.layer === heatLayer) { refreshHeat(); } });
    map.on("zoomend", refreshHeat);
    return refresh();
  });

  form.addEventListener("change", function () { refresh(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
})();
