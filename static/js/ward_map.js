// Draws a ward and its neighbours over the base map (static/js/basemap.js), if any.
(function () {
  "use strict";
  var holder = document.getElementById("ward-map");
  var dataEl = document.getElementById("ward-data");
  if (!holder || !dataEl || typeof L === "undefined") { return; }
  var data = JSON.parse(dataEl.textContent);
  // A neighbour opens on the same data (real or demo) as this page.
  var source = new URLSearchParams(window.location.search).get("source");
  var sourceQuery = source ? "?source=" + encodeURIComponent(source) : "";

  var map = L.map(holder, { zoomSnap: 0.25, attributionControl: true });
  map.attributionControl.setPrefix(false).addAttribution("Boundaries: ONS, Open Government Licence v3");
  if (window.EngageBasemap) { window.EngageBasemap.addTo(map); }

  L.geoJSON({ type: "FeatureCollection", features: data.neighbours }, {
    style: { color: "#5b6770", weight: 1, fillColor: "#dfe5ea", fillOpacity: 0.7 },
    onEachFeature: function (feature, layer) {
      var p = feature.properties;
      // An element, not a string, which Leaflet would insert as HTML: names are text.
      var name = document.createElement("span");
      name.textContent = p.ward_name;
      layer.bindTooltip(name, { sticky: true });
      layer.on("click", function () { window.location.href = "/wards/" + p.ward_code + sourceQuery; });
    }
  }).addTo(map);

  var ward = L.geoJSON(data.ward, {
    style: { color: "#0b3c5d", weight: 3, fillColor: "#328cc1", fillOpacity: 0.35 }
  }).addTo(map);

  map.fitBounds(ward.getBounds(), { padding: [24, 24] });
  holder.dataset.drawn = String(1 + data.neighbours.length);
})();
