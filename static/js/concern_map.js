// A concern's place on its page: the point, and the outline of its ward (or only the
// outline, when the ward is all that is known). Outlines on a plain background unless
// there is a base map (static/js/basemap.js): an installed archive served by the app, or
// the operator's ENGAGE_TILE_URL.
(function () {
  "use strict";
  var holder = document.getElementById("concern-map");
  var dataEl = document.getElementById("concern-map-data");
  if (!holder || !dataEl || typeof L === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);

  // No scroll-wheel zoom: the map sits in a page people scroll past.
  var map = L.map(holder, { zoomSnap: 0.25, scrollWheelZoom: false });
  map.attributionControl.setPrefix(false).addAttribution("Boundaries: ONS, Open Government Licence v3");
  var base = window.EngageBasemap ? window.EngageBasemap.addTo(map) : null;

  // The view first: Leaflet draws a vector layer only on a map that has one.
  var layers = [];
  var drawn = [];
  var ward = null;
  var point = null;
  if (data.ward) {
    ward = L.geoJSON(data.ward, {
      interactive: false,
      style: { className: "concern-ward", color: "#0b3c5d", weight: 3, fillColor: "#328cc1", fillOpacity: 0.2 }
    });
    layers.push(ward);
    drawn.push("ward");
  }
  if (data.point) {
    point = L.latLng(data.point[0], data.point[1]);
    layers.push(L.circleMarker(point, {
      interactive: false, className: "concern-point", radius: 9, weight: 3,
      color: "#ffffff", fillColor: "#b3261e", fillOpacity: 1
    }));
    drawn.push("point");
  }
  if (point && (base || !ward)) {
    // Streets to read the place from (or nothing else to show): close in on the point.
    map.setView(point, 16);
  } else {
    var bounds = ward.getBounds();
    if (point) { bounds.extend(point); }
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 16 });
  }
  layers.forEach(function (layer) { layer.addTo(map); });
  holder.dataset.drawn = drawn.join(" ");
})();
