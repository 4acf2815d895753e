// A concern's place on its page: the point, and the outline of its ward (or only the
// outline, when the ward is all that is known). Outlines on a plain background unless
// the operator configured base tiles (ENGAGE_TILE_URL): no request leaves the app.
(function () {
  "use strict";
  var holder = document.getElementById("concern-map");
  var dataEl = document.getElementById("concern-map-data");
  if (!holder || !dataEl || typeof L === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);

  // No scroll-wheel zoom: the map sits in a page people scroll past.
  var map = L.map(holder, { zoomSnap: 0.25, scrollWheelZoom: false });
  map.attributionControl.setPrefix(false).addAttribution("Boundaries: ONS, Open Government Licence v3");
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }

  var drawn = [];
  var bounds = null;
  if (data.ward) {
    var ward = L.geoJSON(data.ward, {
      interactive: false,
      style: { className: "concern-ward", color: "#0b3c5d", weight: 3, fillColor: "#328cc1", fillOpacity: 0.2 }
    }).addTo(map);
    bounds = ward.getBounds();
    drawn.push("ward");
  }
  if (data.point) {
    var point = L.latLng(data.point[0], data.point[1]);
    L.circleMarker(point, {
      interactive: false, className: "concern-point", radius: 9, weight: 3,
      color: "#ffffff", fillColor: "#b3261e", fillOpacity: 1
    }).addTo(map);
    drawn.push("point");
    bounds = bounds ? bounds.extend(point) : null;
    if (data.tileUrl || !bounds) {
      // Streets to read the place from: close in on the point.
      map.setView(point, 16);
    }
  }
  if (bounds && !(data.point && data.tileUrl)) {
    map.fitBounds(bounds, { padding: [16, 16], maxZoom: 16 });
  }
  holder.dataset.drawn = drawn.join(" ");
})();
