// The "Recorded ASB (police.uk)" layer on the concerns map: each ward's recorded ASB over
// the months imported in the map's period (engage/api/recorded.py), with police.uk's caveat.
// Context beside the concerns, never a ranking. Loaded before maps.js, which announces the map.
(function () {
  "use strict";
  var form = document.getElementById("map-filters");
  var legend = document.getElementById("recorded-legend");
  if (!form || !legend) { return; }
  // ColorBrewer Purples, 5 classes: apart from the concerns' yellow to red.
  var RAMP = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var map = null, layer = null, data = null;

  function element(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (className) { node.className = className; }
    return node;
  }

  function monthName(iso) {
    var parts = iso.split("-");
    return MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  function classOf(value) {
    for (var i = 0; i < data.classes.length; i++) { if (value <= data.classes[i].upper) { return i; } }
    return data.classes.length - 1;
  }

  function colour(i) { return RAMP[i + RAMP.length - data.classes.length]; }

  function style(feature) {
    var n = data ? data.wards[feature.properties.ward_code] : undefined;
    var base = { color: "#3f007d", weight: 1, dashArray: null, fillColor: "#ffffff", fillOpacity: 0 };
    if (!n) { return base; }  // none recorded, or not loaded yet: the concerns show through
    return Object.assign(base, { fillColor: colour(classOf(n)), fillOpacity: 0.75 });
  }

  function describe(p) {
    var box = document.createElement("div");
    box.append(element("strong", p.ward_name), " ", element("span", p.ward_code, "code"), document.createElement("br"));
    if (!data || !data.months.length) {
      box.append("No police.uk months imported for this period");
    } else {
      var n = data.wards[p.ward_code] || 0;
      box.append(n + " ASB incident" + (n === 1 ? "" : "s") + " recorded (police.uk)");
    }
    return box;
  }

  function drawLegend() {
    var parts = [element("h2", "Recorded ASB (police.uk)" + (data.demo ? " (demo)" : ""))];
    if (!data.months.length) {
      parts.push(element("p", "No " + (data.demo ? "demo " : "") + "police.uk months imported for " +
        data.filters.from + " to " + data.filters.to + "."));
    } else {
      var first = monthName(data.months[0]), last = monthName(data.months[data.months.length - 1]);
      parts.push(element("p", data.total + " ASB incidents recorded, " + (first === last ? first : first + " to " + last) +
        " (" + data.months.length + " month" + (data.months.length === 1 ? "" : "s") + " imported)."));
      var list = document.createElement("ul");
      list.className = "legend-classes";
      var zero = document.createElement("li");
      zero.append(element("span", "", "swatch swatch-zero"), element("span", "0 (none recorded)", "legend-label"));
      list.append(zero);
      data.classes.forEach(function (c, i) {
        var li = document.createElement("li"), mark = element("span", "", "swatch swatch-class");
        mark.style.background = colour(i);
        li.append(mark, element("span", c.label, "legend-label"), " ",
          element("span", "(" + c.wards + " ward" + (c.wards === 1 ? "" : "s") + ")", "muted"));
        list.append(li);
      });
      parts.push(list);
    }
    parts.push(element("p", data.caveat, "legend-note"));
    parts.push(element("p", "Context beside what residents raised, not a ranking of wards.", "muted"));
    legend.replaceChildren.apply(legend, parts);
  }

  function refresh() {
    if (!layer || !map.hasLayer(layer)) { return Promise.resolve(); }
    var params = new URLSearchParams();
    ["from", "to", "source"].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value) { params.set(name, field.value); }
    });
    return fetch("/api/v1/maps/recorded?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("recorded ASB: HTTP " + r.status); } return r.json(); })
      .then(function (answer) {
        data = answer;
        layer.setStyle(style);
        drawLegend();
        legend.dataset.total = String(answer.total);
      })
      .catch(function (err) { legend.replaceChildren(element("p", err.message, "error")); });
  }

  document.addEventListener("engage:map-ready", function (e) {
    map = e.detail.map;
    layer = L.geoJSON(e.detail.wards, {
      style: style,
      onEachFeature: function (feature, shape) {
        shape.options.className = "recorded-shape recorded-" + feature.properties.ward_code;
        shape.bindTooltip(function () { return describe(feature.properties); }, { sticky: true });
        shape.on("click", function () {
          window.location.href = "/wards/" + feature.properties.ward_code + "#recorded";
        });
      }
    });
    e.detail.control.addOverlay(layer, "Recorded ASB (police.uk)");
    map.on("overlayadd", function (ev) { if (ev.layer === layer) { legend.hidden = false; refresh(); } });
    map.on("overlayremove", function (ev) { if (ev.layer === layer) { legend.hidden = true; } });
  });
  form.addEventListener("change", refresh);
  form.addEventListener("submit", refresh);
})();
