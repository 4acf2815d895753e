// Where a concern is: the meeting's ward unless the officer says otherwise, by GPS
// ("Use my location"), an OS grid reference, picking a ward, or tapping the map.
// The ward found is shown before saving; the server locates the position again.

import { GridRefError, parseGridRef } from "./geo.js";
import { OUTSIDE, locateGridRef, locatePoint } from "./places.js";
import { loadMapLibrary } from "./maplib.js";

const $ = (id) => document.getElementById(id);
const OUTSIDE_WARNING = "Outside the Cleveland wards. It will still be saved, and flagged for the office to check.";

function wardText(ward) {
  return ward.lad_name ? `${ward.ward_name}, ${ward.lad_name}` : ward.ward_name;
}

export class Location {
  constructor(places) {
    this.places = places;
    this.meeting = null;
    this.current = { kind: "meeting" };
    this.pending = 0; // bumps on every new request, so a late GPS answer cannot overwrite a newer choice
    this.map = null;
    this.layers = null;
    $("use-location").addEventListener("click", () => this.useGps());
    $("grid-find").addEventListener("click", () => this.findGrid());
    $("grid-ref").addEventListener("change", () => { if ($("grid-ref").value.trim()) this.findGrid(); });
    $("grid-ref").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); this.findGrid(); } });
    $("pick-ward").addEventListener("change", () => this.pickWard($("pick-ward").value));
    $("clear-place").addEventListener("click", () => this.reset());
    $("place-more").addEventListener("toggle", () => {
      if (!$("place-more").open) return;
      this.showMap();
      // The whole map above the sticky Save bar (its scroll-margin), ready to be tapped.
      $("place-map").scrollIntoView({ block: "nearest" });
    });
    this.fillWardPicker();
  }

  fillWardPicker() {
    const select = $("pick-ward");
    for (const group of this.places.byAuthority()) {
      const optgroup = document.createElement("optgroup");
      optgroup.label = group.lad_name;
      for (const w of group.wards) optgroup.append(new Option(w.ward_name, w.ward_code));
      select.append(optgroup);
    }
  }

  setMeeting(meeting) {
    this.meeting = meeting;
    this.drawn = null;
    if (this.map && $("place-more").open) this.showMap();
    this.reset();
  }

  get meetingWard() {
    const code = this.meeting && this.meeting.data.ward_codes[0];
    return (code && this.places.ward(code)) || { ward_code: code, ward_name: (this.meeting && this.meeting.label.ward_name) || code };
  }

  reset() {
    this.pending += 1;
    this.current = { kind: "meeting", ward: this.meetingWard };
    $("grid-ref").value = "";
    $("pick-ward").value = "";
    this.showError("");
    if (this.marker) { this.marker.remove(); this.marker = null; }
    this.render();
  }

  // Edit mode: show where a saved concern was placed (it can no longer be moved once sent).
  restore(record) {
    const d = record.data;
    const ward = record.server && record.server.ward_code ? this.places.ward(record.server.ward_code) : null;
    const seen = record.label.outside ? OUTSIDE : record.label.ward;
    if (d.lon != null) this.current = { kind: d.location_source, lon: d.lon, lat: d.lat, ward: ward || seen };
    else if (d.grid_ref) this.current = { kind: "grid", grid_ref: d.grid_ref, ward: ward || seen };
    else if (d.ward_code && d.ward_code !== this.meetingWard.ward_code) this.current = { kind: "ward", ward_code: d.ward_code, ward: this.places.ward(d.ward_code) };
    else this.current = { kind: "meeting", ward: this.meetingWard };
    $("grid-ref").value = d.grid_ref || "";
    this.render();
  }

  setEnabled(enabled) {
    for (const id of ["use-location", "grid-ref", "grid-find", "pick-ward", "clear-place"]) $(id).disabled = !enabled;
    $("place-more").hidden = !enabled;
  }

  // The fields to send, checked: throws GridRefError if a typed reference is not one.
  fields() {
    const c = this.current;
    const typed = $("grid-ref").value.trim();
    if (typed && (c.kind !== "grid" || typed !== c.grid_ref)) {
      parseGridRef(typed); // throws for nonsense, so the officer fixes it before saving
      return { grid_ref: typed };
    }
    if (c.kind === "gps" || c.kind === "map") return { lon: round(c.lon), lat: round(c.lat), location_source: c.kind };
    if (c.kind === "grid") return { grid_ref: c.grid_ref };
    if (c.kind === "ward") return { ward_code: c.ward_code };
    return {}; // the meeting's ward
  }

  // What the officer saw, kept with the record for the list.
  label() {
    const c = this.current;
    if (!c.ward) return { text: "Ward found when sent", ward: null };
    if (c.ward === OUTSIDE) return { text: "Outside the Cleveland wards", ward: null, outside: true };
    return { text: wardText(c.ward), ward: c.ward };
  }

  render() {
    const c = this.current;
    const how = { meeting: "the meeting ward", gps: "from your location", map: "from the map", grid: "from the grid reference", ward: "chosen ward" }[c.kind];
    let text;
    if (c.locating) text = c.locating;
    else if (c.ward === OUTSIDE) text = `Outside the Cleveland wards (${how})`;
    else if (c.ward) text = `${wardText(c.ward)} (${how}${c.accuracy ? `, ±${Math.round(c.accuracy)} m` : ""})`;
    else text = `Ward found when sent (${how})`;
    $("place-summary").textContent = text;
    const warn = $("place-warning");
    warn.hidden = c.ward !== OUTSIDE;
    warn.textContent = c.ward === OUTSIDE ? OUTSIDE_WARNING : "";
    $("clear-place").hidden = c.kind === "meeting";
    if (this.map) this.drawMarker();
  }

  showError(message) {
    const el = $("grid-ref-error");
    el.textContent = message;
    el.hidden = !message;
    $("grid-ref").toggleAttribute("aria-invalid", Boolean(message));
  }

  useGps() {
    if (!navigator.geolocation) {
      this.current = { kind: "meeting", ward: this.meetingWard };
      this.render();
      $("place-summary").textContent = "This phone cannot give a location here: use the map, a grid reference or pick the ward.";
      return;
    }
    const ticket = ++this.pending;
    this.current = { ...this.current, locating: "Finding your location…" };
    this.render();
    navigator.geolocation.getCurrentPosition(async (pos) => {
      if (ticket !== this.pending) return;
      const { longitude, latitude, accuracy } = pos.coords;
      const found = await locatePoint(this.places, longitude, latitude);
      if (ticket !== this.pending) return;
      this.current = { kind: "gps", lon: longitude, lat: latitude, accuracy, ward: found.ward };
      this.render();
    }, (err) => {
      if (ticket !== this.pending) return;
      this.current = { kind: "meeting", ward: this.meetingWard };
      this.render();
      $("place-summary").textContent = err.code === 1
        ? "Location is switched off for this site. Using the meeting ward; or use the map, a grid reference or pick the ward."
        : "No location fix. Using the meeting ward; or use the map, a grid reference or pick the ward.";
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  async findGrid() {
    const text = $("grid-ref").value.trim();
    if (!text) return;
    const ticket = ++this.pending;
    try {
      const found = await locateGridRef(this.places, text);
      if (ticket !== this.pending) return;
      this.showError("");
      this.current = { kind: "grid", grid_ref: text, lon: found.lon, lat: found.lat, ward: found.ward };
    } catch (err) {
      if (ticket !== this.pending) return;
      this.showError(err instanceof GridRefError ? err.message : `Not a grid reference we can use: ${err.message}`);
      return;
    }
    $("pick-ward").value = "";
    this.render();
  }

  pickWard(code) {
    this.pending += 1;
    if (!code) { this.reset(); return; }
    $("grid-ref").value = "";
    this.showError("");
    this.current = { kind: "ward", ward_code: code, ward: this.places.ward(code) };
    this.render();
  }

  async tapMap(lon, lat) {
    const ticket = ++this.pending;
    const found = await locatePoint(this.places, lon, lat);
    if (ticket !== this.pending) return;
    $("grid-ref").value = "";
    $("pick-ward").value = "";
    this.showError("");
    this.current = { kind: "map", lon, lat, ward: found.ward };
    this.render();
  }

  // Leaflet is drawn only when the officer opens the map (most concerns never need it),
  // once the library and the outlines have arrived (both follow the form: app.js).
  async showMap() {
    if (!this.meeting) return;
    try {
      await Promise.all([loadMapLibrary(), this.places.loadOutlines()]);
    } catch {
      $("place-map").dataset.unavailable = "true"; // offline before the map was ever fetched
      return;
    }
    if (!this.meeting || !$("place-more").open) return;
    const holder = $("place-map");
    if (!this.map) {
      this.map = L.map(holder, { zoomSnap: 0.25, attributionControl: true });
      this.map.attributionControl.setPrefix(false).addAttribution("Boundaries: ONS, Open Government Licence v3");
      if (window.EngageBasemap) window.EngageBasemap.addTo(this.map);
      this.map.on("click", (e) => this.tapMap(e.latlng.lng, e.latlng.lat));
    }
    this.map.invalidateSize();
    const code = this.meetingWard.ward_code;
    if (this.drawn !== code) {
      if (this.layers) this.layers.remove();
      const features = this.places.neighbourhood(code);
      const home = features.filter((f) => f.properties.ward_code === code);
      this.layers = L.layerGroup().addTo(this.map);
      L.geoJSON({ type: "FeatureCollection", features: features.filter((f) => f.properties.ward_code !== code) }, {
        style: { color: "#5b6770", weight: 1, fillColor: "#dfe5ea", fillOpacity: 0.6 },
        // An element, not a string, which Leaflet would insert as HTML: names are text.
        onEachFeature: (f, layer) => layer.bindTooltip(
          Object.assign(document.createElement("span"), { textContent: f.properties.ward_name }), { sticky: true }),
      }).addTo(this.layers);
      const homeLayer = L.geoJSON({ type: "FeatureCollection", features: home }, {
        style: { color: "#0b3c5d", weight: 3, fillColor: "#328cc1", fillOpacity: 0.25 },
      }).addTo(this.layers);
      if (home.length) this.map.fitBounds(homeLayer.getBounds(), { padding: [12, 12] });
      this.drawn = code;
      holder.dataset.drawn = String(features.length);
    }
    this.drawMarker();
  }

  drawMarker() {
    const c = this.current;
    if (this.marker) { this.marker.remove(); this.marker = null; }
    if (c.lon == null || !this.map) return;
    this.marker = L.circleMarker([c.lat, c.lon], { radius: 9, color: "#fff", weight: 3, fillColor: "#b3261e", fillOpacity: 1 }).addTo(this.map);
  }
}

// Six decimals is about 10 cm: more only pretends to precision.
function round(x) { return Math.round(x * 1e6) / 1e6; }
