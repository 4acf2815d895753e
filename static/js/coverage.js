// Wards coloured by coverage: visited, planned, overdue, not visited.
(function () {
  "use strict";
  var holder = document.getElementById("coverage-map");
  if (!holder || typeof L === "undefined") { return; }
  var status = JSON.parse(document.getElementById("coverage-data").textContent);
  var COLOURS = { visited: "#1f6b3a", planned: "#d08c00", overdue: "#a1261f", "not visited": "#c7ced4" };
  var map = L.map(holder, { zoomSnap: 0.5 });
  map.attributionControl.setPrefix(false).addAttribution("Boundaries: ONS, Open Government Licence v3");
  fetch("/api/wards?resolution=display").then(function (r) { return r.json(); }).then(function (wards) {
    var layer = L.geoJSON(wards, {
      style: function (f) {
        return { color: "#ffffff", weight: 1, fillColor: COLOURS[status[f.properties.ward_code]] || "#eeeeee", fillOpacity: 0.85 };
      },
      onEachFeature: function (f, l) {
        // An element, not a string, which Leaflet would insert as HTML: names are text.
        var tip = document.createElement("span");
        tip.textContent = f.properties.ward_name + ": " + (status[f.properties.ward_code] || "");
        l.bindTooltip(tip);
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    holder.dataset.wards = String(wards.features.length);
  });
})();
