// Reference data: categories, the ward list and the ward outlines.
//
// Each is fetched through the service worker (network first, its cached copy without
// signal) and a last good copy is also kept in IndexedDB, so the form still works if
// the worker's cache was cleared or the worker was not yet running on the first visit.

import * as store from "./store.js";
import { bbox, boxesTouch, contains, gridRefToLonLat } from "./geo.js";

const FETCH_TIMEOUT_MS = 8000;

async function getJson(url) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, signal: controller.signal });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return await response.json();
  } finally {
    clearTimeout(timer);
  }
}

// The fresh copy when we can get it, else the last one kept; null if never seen.
async function loadKept(url, key, isValid) {
  try {
    const body = await getJson(url);
    if (isValid(body)) {
      await store.setMeta(key, body);
      return body;
    }
  } catch { /* offline or logged out: fall back to the copy kept */ }
  return (await store.getMeta(key)) || null;
}

export async function loadCategories() {
  const body = await loadKept("/api/v1/categories", "categories", (b) => Array.isArray(b.categories) && b.categories.length);
  return body ? body.categories : [];
}

// The ward list first (a few KB: what the Ward select needs). The outlines (the map, and
// locating a point on the phone) follow when app.js asks, once the form is usable, so
// on one bar of signal the officer is not kept waiting for them.
export async function loadPlaces() {
  const list = await loadKept("/api/v1/wards", "ward-list", (b) => Array.isArray(b.wards) && b.wards.length);
  const places = new Places(null, list);
  if (!list) await places.loadOutlines(); // never had the list: the outlines name the wards too
  return places;
}

export const OUTSIDE = "outside";

export class Places {
  constructor(shapes, list) {
    this.list = list;
    this.setShapes(shapes);
    this.fetching = null;
  }

  setShapes(shapes) {
    this.features = shapes ? shapes.features : [];
    this.attribution = shapes ? shapes.attribution : "";
    this.boxes = new Map(this.features.map((f) => [f.properties.ward_code, bbox(f.geometry)]));
    // The officer's own list (/api/v1/wards) when we have it, else the outlines' properties.
    const rows = this.list ? this.list.wards : this.features.map((f) => f.properties);
    this.wards = new Map(rows.map((w) => [w.ward_code, w]));
  }

  // Fetched once (the worker's copy, or the one kept on the phone, without signal).
  loadOutlines() {
    this.fetching ??= loadKept("/api/wards", "ward-shapes", (b) => Array.isArray(b.features) && b.features.length)
      .then((shapes) => { if (shapes) this.setShapes(shapes); else this.fetching = null; return this; });
    return this.fetching;
  }

  get ready() { return this.wards.size > 0; }

  ward(code) { return this.wards.get(code) || null; }

  // [{lad_name, wards: [...]}] sorted by authority then ward, for <optgroup>s.
  byAuthority() {
    const groups = new Map();
    for (const w of this.wards.values()) {
      if (!groups.has(w.lad_name)) groups.set(w.lad_name, []);
      groups.get(w.lad_name).push(w);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([lad_name, wards]) => ({ lad_name, wards: wards.sort((a, b) => a.ward_name.localeCompare(b.ward_name)) }));
  }

  // The ward holding a point, or OUTSIDE, or null when the outlines are not on the phone.
  locate(lon, lat) {
    if (!this.features.length) return null;
    for (const f of this.features) {
      const box = this.boxes.get(f.properties.ward_code);
      if (lon < box[0] || lon > box[2] || lat < box[1] || lat > box[3]) continue;
      if (contains(f.geometry, lon, lat)) return this.ward(f.properties.ward_code) || f.properties;
    }
    return OUTSIDE;
  }

  // A ward's outline and those whose boxes touch it (cheap, and near enough for a map).
  neighbourhood(code) {
    const box = this.boxes.get(code);
    if (!box) return [];
    return this.features.filter((f) => boxesTouch(this.boxes.get(f.properties.ward_code), box, 0.002));
  }
}

// Where a place is, asked of the server when online (it is the authority), else worked
// out on the phone. Returns {lon, lat, ward} where ward may be OUTSIDE or null (unknown).
export async function locateOnline(params) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 5000);
  try {
    const response = await fetch(`/api/locate?${new URLSearchParams(params)}`, { signal: controller.signal, headers: { Accept: "application/json" } });
    const body = await response.json();
    if (response.ok) return { ward: body };
    if (response.status === 404) return { ward: OUTSIDE };
    if (response.status === 400) return { error: body.error };
  } catch { /* no signal: the phone's own answer will do */ } finally {
    clearTimeout(timer);
  }
  return null;
}

export async function locateGridRef(places, text) {
  const [lon, lat] = gridRefToLonLat(text); // throws GridRefError for text that is not a reference
  const online = navigator.onLine !== false ? await locateOnline({ grid: text }) : null;
  if (online && online.error) throw new Error(online.error);
  if (!online) await places.loadOutlines();
  const ward = online ? online.ward : places.locate(lon, lat);
  return { lon, lat, ward: ward && ward !== OUTSIDE ? (places.ward(ward.ward_code) || ward) : ward };
}

export async function locatePoint(places, lon, lat) {
  // The outlines are on the phone: no need to wait for the network for a point.
  await places.loadOutlines();
  let ward = places.locate(lon, lat);
  if (ward === null && navigator.onLine !== false) {
    const online = await locateOnline({ lon, lat });
    ward = online ? online.ward : null;
  }
  return { lon, lat, ward };
}
