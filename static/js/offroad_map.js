// The off-road vehicles view's map (templates/maps/offroad.html): the area's ward outlines,
// concerns about off-road bikes as circles, Section 59 warnings as triangles and seizures as
// squares (shape as well as colour, as in the key), each kind a layer to show or hide.
(function () {
  "use strict";
  var holder = document.getElementById("offroad-map");
  var dataEl = document.getElementById("offroad-data");
  if (!holder || !dataEl || typeof L === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var SHAPES = {
    warning: { colour: "#b35c00", path: "M9 1.5 16.5 15.5H1.5Z" },
    seizure: { colour: "#7a1f3d", path: "M2.5 2.5H15.5V15.5H2.5Z" }
  };

  var map = L.map(holder, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false).addAttribution("Boundaries: ONS, Open Government Licence v3");
  if (window.EngageBasemap) { window.EngageBasemap.addTo(map); }

  // Tooltips are built as elements, never HTML strings: places and names are text.
  function lines(texts) {
    var box = document.createElement("span");
    texts.forEach(function (text, i) {
      if (!text) { return; }
      if (i) { box.appendChild(document.createElement("br")); }
      box.appendChild(document.createTextNode(text));
    });
    return box;
  }

  function symbol(kind) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "18");
    svg.setAttribute("height", "18");
    svg.setAttribute("viewBox", "0 0 18 18");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(SVG, "path");
    path.setAttribute("d", SHAPES[kind].path);
    path.setAttribute("fill", SHAPES[kind].colour);
    path.setAttribute("stroke", "#fff");
    path.setAttribute("stroke-width", "1.5");
    svg.appendChild(path);
    return svg;
  }

  var outlines = L.geoJSON(data.outlines, {
    style: { color: "#5b6770", weight: 1, fillColor: "#dfe5ea", fillOpacity: 0.25 },
    interactive: false
  }).addTo(map);

  var concerns = L.layerGroup(data.concerns.map(function (c) {
    var marker = L.circleMarker([c.lat, c.lon], {
      radius: 7, color: "#fff", weight: 1.5, fillColor: "#1f5f8b", fillOpacity: 0.9, className: "offroad-concern"
    });
    marker.bindTooltip(lines(["Concern about off-road bikes", c.day + (c.ward ? ", " + c.ward : ""), c.status]));
    marker.on("click", function () { window.location.href = "/inbox/concerns/" + encodeURIComponent(c.id); });
    return marker;
  })).addTo(map);

  function warningLayer(outcome) {
    return L.layerGroup(data.warnings.filter(function (w) { return w.outcome === outcome; }).map(function (w) {
      var icon = L.divIcon({
        className: "offroad-marker offroad-" + outcome, iconSize: [18, 18], iconAnchor: [9, 9], html: symbol(outcome)
      });
      // The register's table and the charts hold every figure; markers stay out of the tab order.
      // Seizures over warnings where they overlap: fewer, and the sharper measure.
      var marker = L.marker([w.lat, w.lon], { icon: icon, keyboard: false, zIndexOffset: outcome === "seizure" ? 500 : 0 });
      marker.bindTooltip(lines(["Section 59 " + w.outcome_label.toLowerCase() + " " + w.reference,
        w.day + (w.ward ? ", " + w.ward : ""), w.vehicle + (w.place ? ", " + w.place : "")]));
      return marker;
    }));
  }

  var layers = { "Concerns about off-road bikes": concerns };
  if (!data.countsOnly) {
    layers["Section 59 warnings"] = warningLayer("warning").addTo(map);
    layers["Section 59 seizures"] = warningLayer("seizure").addTo(map);
  }
  L.control.layers(null, layers, { collapsed: window.matchMedia("(max-width: 600px)").matches }).addTo(map);

  if (outlines.getLayers().length) {
    map.fitBounds(outlines.getBounds(), { padding: [16, 16] });
  } else {
    map.setView([54.57, -1.23], 10);
  }
  holder.dataset.concerns = String(data.concerns.length);
  holder.dataset.warnings = String(data.warnings.length);
})();
