// The base layer under every Leaflet map, from the page's #basemap-config (made by
// engage/maps/basemap.py page_config): the archive the app serves itself, vector tiles
// drawn by protomaps-leaflet or images; else the ENGAGE_TILE_URL images; else nothing,
// and the map shows its outlines on a plain background.
(function () {
  "use strict";

  function config() {
    var el = document.getElementById("basemap-config");
    try { return el ? JSON.parse(el.textContent) : {}; } catch { return {}; }
  }

  // Leaflet shows attribution as HTML; the credit is text.
  function escape(text) {
    return String(text || "").replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  }

  function addTo(map) {
    var c = config();
    if (!c.kind || !c.url) { return null; }
    var options = { attribution: escape(c.attribution) };
    // Asking only inside the archive's area spares requests for tiles it cannot have.
    if (c.bounds) { options.bounds = [[c.bounds[1], c.bounds[0]], [c.bounds[3], c.bounds[2]]]; }
    var layer;
    if (c.kind === "vector") {
      if (!window.protomapsL) { return null; }
      // Past the archive's last zoom its deepest tiles are drawn larger (maxDataZoom).
      layer = window.protomapsL.leafletLayer(Object.assign(options, {
        url: c.url, flavor: "light", lang: "en", maxDataZoom: c.maxZoom, maxZoom: 19
      }));
    } else {
      if (c.local) {
        options.minNativeZoom = c.minZoom;
        options.maxNativeZoom = c.maxZoom;
        options.maxZoom = 19;
      }
      layer = L.tileLayer(c.url, options);
    }
    layer.addTo(map);
    return layer;
  }

  window.EngageBasemap = { config: config, addTo: addTo };
})();
