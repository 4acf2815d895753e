// A meeting's streets kept on the phone. When a meeting starts, the base map tiles of its
// ward and the wards around it are fetched into the cache that the service worker (sw.js)
// answers /maps/tiles/ from, so the map for "tap where it happened" shows streets with no
// signal. Best effort: nothing waits for it, and a failure only leaves fewer tiles.

import { bbox } from "./geo.js";

export const CACHE = "capture-tiles";
export const MAX_TILES = 1500; // for one meeting: street level for a ward and its neighbours
export const MAX_KEPT = 4000; // for all meetings: the tiles of the oldest go first
// The display zooms someone placing a point uses: a town (12) down to a street (16).
export const ZOOMS = [12, 13, 14, 15, 16];
const CONCURRENCY = 4;

function lonToX(lon, z) { return Math.floor(((lon + 180) / 360) * 2 ** z); }
function latToY(lat, z) {
  const rad = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180;
  return Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * 2 ** z);
}

// The tile columns and rows covering box [west, south, east, north] at zoom z, and
// `margin` more on every side.
export function tileRange(box, z, margin = 0) {
  const last = 2 ** z - 1;
  const clamp = (v) => Math.max(0, Math.min(last, v));
  return {
    x0: clamp(lonToX(box[0], z) - margin), x1: clamp(lonToX(box[2], z) + margin),
    y0: clamp(latToY(box[3], z) - margin), y1: clamp(latToY(box[1], z) + margin),
  };
}

// The archive's zooms that draw the display zooms: protomaps-leaflet draws vector tiles
// one zoom deeper than it asks for (512 px data tiles), and both kinds draw the
// archive's deepest tiles larger beyond its last zoom (static/js/basemap.js).
export function dataZooms(config) {
  const shift = config.kind === "vector" ? 1 : 0;
  const lo = config.minZoom ?? 0;
  const hi = config.maxZoom ?? 22;
  return [...new Set(ZOOMS.map((z) => Math.max(lo, Math.min(hi, z - shift))))].sort((a, b) => a - b);
}

// The tiles to keep for a box: whole zoom levels from the widest down, while the total
// stays within `cap`; only inside the archive's area. One tile more on every side, since
// the phone's map shows the land around the wards too (a screen wider than they are).
export function tileList(config, box, cap = MAX_TILES) {
  if (!box) return [];
  let area = box;
  if (config.bounds) {
    const b = config.bounds;
    area = [Math.max(box[0], b[0]), Math.max(box[1], b[1]), Math.min(box[2], b[2]), Math.min(box[3], b[3])];
    if (area[0] > area[2] || area[1] > area[3]) return [];
  }
  const tiles = [];
  for (const z of dataZooms(config)) {
    const r = tileRange(area, z, 1);
    const count = (r.x1 - r.x0 + 1) * (r.y1 - r.y0 + 1);
    if (tiles.length + count > cap) break;
    for (let x = r.x0; x <= r.x1; x++) for (let y = r.y0; y <= r.y1; y++) tiles.push({ z, x, y });
  }
  return tiles;
}

export function tileUrl(config, t) {
  return config.url.replace("{z}", t.z).replace("{x}", t.x).replace("{y}", t.y);
}

// The box around a ward and its neighbours, from the outlines on the phone (places.js).
export function neighbourhoodBox(places, code) {
  const features = places.neighbourhood(code);
  if (!features.length) return null;
  const boxes = features.map((f) => bbox(f.geometry));
  return [
    Math.min(...boxes.map((b) => b[0])), Math.min(...boxes.map((b) => b[1])),
    Math.max(...boxes.map((b) => b[2])), Math.max(...boxes.map((b) => b[3])),
  ];
}

function version(url) { return new URL(url).searchParams.get("v"); }

// Fetches into the cache the tiles not already there. Tiles of an archive since replaced
// (another ?v=) are dropped; past MAX_KEPT the oldest others are. Stops at the first
// failure to reach the server (no signal, or logged out): the next meeting tries again.
export async function cacheTiles(urls, { cacheStorage = globalThis.caches, fetcher = globalThis.fetch, base = globalThis.location && globalThis.location.href, keep = MAX_KEPT } = {}) {
  const wanted = urls.map((u) => new URL(u, base).href);
  const current = wanted.length ? version(wanted[0]) : null;
  const cache = await cacheStorage.open(CACHE);
  const held = new Set();
  for (const request of await cache.keys()) {
    if (version(request.url) !== current) await cache.delete(request);
    else held.add(request.url);
  }
  const missing = wanted.filter((u) => !held.has(u));
  const result = { wanted: wanted.length, fetched: 0, failed: 0 };
  let stop = false;
  const worker = async () => {
    while (!stop && missing.length) {
      const url = missing.shift();
      let response;
      try {
        response = await fetcher(url, { credentials: "same-origin" });
      } catch {
        stop = true; // no signal
        break;
      }
      if (response.redirected || response.status === 401 || response.status === 403) { stop = true; break; } // logged out
      if (response.ok) {
        await cache.put(url, response);
        result.fetched += 1;
      } else {
        result.failed += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const keys = await cache.keys(); // oldest first
  const mine = new Set(wanted);
  let excess = keys.length - keep;
  for (const request of keys) {
    if (excess <= 0) break;
    if (!mine.has(request.url)) { await cache.delete(request); excess -= 1; }
  }
  result.stopped = stop;
  return result;
}

export function readConfig() {
  const el = typeof document !== "undefined" && document.getElementById("basemap-config");
  try { return el ? JSON.parse(el.textContent) : {}; } catch { return {}; }
}

let running = Promise.resolve();

// The hook meeting.js calls when a meeting starts or is continued. Only tiles the app
// serves itself are kept (never ENGAGE_TILE_URL's: another site's terms, and its host).
export function cacheMeetingTiles(places, code, config = readConfig()) {
  if (!config.local || !config.url || !code || typeof caches === "undefined") return Promise.resolve(null);
  const urls = tileList(config, neighbourhoodBox(places, code)).map((t) => tileUrl(config, t));
  running = running.then(() => cacheTiles(urls)).catch(() => null);
  return running;
}
