// The map's "Consultation priorities" layer: each ward shaded by the share of a
// consultation's responses choosing the priority picked in the legend; wards with too
// few responses grey and hatched, as the legend says. Joins the map maps.js draws.
(function () {
  "use strict";
  var holder = document.getElementById("concern-map");
  var legend = document.getElementById("priorities-legend");
  if (!holder || !legend || typeof L === "undefined") { return; }
  var consultationSelect = document.getElementById("priorities-consultation");
  var prioritySelect = document.getElementById("priorities-priority");
  var summary = document.getElementById("priorities-summary");
  var classList = document.getElementById("priorities-classes");
  // ColorBrewer PuBu, 5 classes: apart from the concerns' yellow-to-red, and colour-blind safe.
  var RAMP = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"];
  var map = null, layer = null, figures = {}, latest = null;

  function element(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;  // titles and labels are typed by staff: text, never HTML
    if (className) { node.className = className; }
    return node;
  }

  function percent(share) { return Math.round(share * 100) + "%"; }

  function style(feature) {
    var f = figures[feature.properties.ward_code];
    var base = { color: "#5b6770", weight: 1, dashArray: null, fillOpacity: 0.85 };
    if (!f) { return Object.assign(base, { fillColor: "#ffffff", fillOpacity: 0, dashArray: "3" }); }
    if (f.share === null) { return Object.assign(base, { fillColor: "url(#hatch-few)", fillOpacity: 1 }); }
    return Object.assign(base, { fillColor: RAMP[f["class"]] });
  }

  function describe(p) {
    var f = figures[p.ward_code], box = document.createElement("div");
    box.append(element("strong", p.ward_name), " ", element("span", p.ward_code, "code"), document.createElement("br"));
    if (!f) { box.append("No responses from this ward"); }
    else if (f.share === null) { box.append("Too few responses (" + f.responses + ")"); }
    else { box.append(percent(f.share) + " of " + f.responses + " responses chose " + latest.priority.label); }
    return box;
  }

  function option(value, label, selected) {
    var node = element("option", label);
    node.value = String(value);
    node.selected = Boolean(selected);
    return node;
  }

  function swatch(fill) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", "28"); svg.setAttribute("height", "20"); svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("class", "swatch-hatch");
    var rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("x", "1"); rect.setAttribute("y", "1"); rect.setAttribute("width", "26"); rect.setAttribute("height", "18");
    rect.setAttribute("fill", fill); rect.setAttribute("stroke", "#5b6770");
    svg.append(rect);
    return svg;
  }

  function row(fill, label) {
    var li = document.createElement("li");
    li.append(swatch(fill), element("span", label, "legend-label"));
    return li;
  }

  function drawLegend(data) {
    consultationSelect.replaceChildren.apply(consultationSelect, data.consultations.map(function (c) {
      return option(c.slug, c.title + " (closes " + c.closes_on + ")", c.slug === data.consultation);
    }));
    var chosen = data.consultations.filter(function (c) { return c.slug === data.consultation; })[0];
    prioritySelect.replaceChildren.apply(prioritySelect, (chosen ? chosen.priorities : []).map(function (p) {
      return option(p.id, p.label, data.priority && p.id === data.priority.id);
    }));
    consultationSelect.disabled = prioritySelect.disabled = !chosen;
    if (!chosen) {
      summary.textContent = "No " + (data.demo ? "demo " : "") + "consultation has responses yet.";
      classList.replaceChildren();
      return;
    }
    summary.textContent = "Share of each ward's responses choosing " + data.priority.label + " (" + data.responses +
      " responses in all" + (data.whole_share === null ? "" : ", " + percent(data.whole_share) + " chose it") +
      "). Wards with fewer than " + data.threshold + " responses give no share.";
    var rows = data.classes.map(function (c, i) { return row(RAMP[i], c.label + " (" + c.wards + " wards)"); });
    rows.push(row("url(#hatch-few)", "too few responses (" + data.below_threshold.length + " wards)"));
    rows.push(row("#ffffff", "no responses"));
    classList.replaceChildren.apply(classList, rows);
  }

  function refresh() {
    var params = new URLSearchParams();
    var source = document.querySelector("#map-filters [name=source]");
    if (source && source.value) { params.set("source", source.value); }
    if (latest && consultationSelect.value) { params.set("consultation", consultationSelect.value); }
    if (latest && prioritySelect.value && consultationSelect.value === latest.consultation) { params.set("priority", prioritySelect.value); }
    return fetch("/api/v1/maps/priorities?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) { throw new Error("consultation priorities: HTTP " + r.status); } return r.json(); })
      .then(function (data) {
        latest = data; figures = data.wards;
        layer.setStyle(style);
        drawLegend(data);
        holder.dataset.priority = data.priority ? String(data.priority.id) : "";
      })
      .catch(function (err) { summary.replaceChildren(element("span", err.message, "error")); });
  }

  function ready(detail) {
    map = detail.map;
    layer = L.geoJSON(detail.wards, {
      style: style,
      onEachFeature: function (feature, shape) {
        shape.options.className = "priority-shape priority-" + feature.properties.ward_code;
        shape.bindTooltip(function () { return describe(feature.properties); }, { sticky: true });
        shape.on("click", function () { window.location.href = "/wards/" + feature.properties.ward_code; });
      }
    });
    detail.control.addOverlay(layer, "Consultation priorities");
    map.on("overlayadd", function (e) { if (e.layer === layer) { legend.hidden = false; refresh(); } });
    map.on("overlayremove", function (e) { if (e.layer === layer) { legend.hidden = true; } });
    consultationSelect.addEventListener("change", refresh);
    prioritySelect.addEventListener("change", refresh);
  }

  if (holder.engageMap) { ready(holder.engageMap); }
  else { holder.addEventListener("engage:map-ready", function (e) { ready(e.detail); }, { once: true }); }
})();
