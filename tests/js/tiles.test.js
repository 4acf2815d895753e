// static/js/capture/tiles.js: which base map tiles a phone keeps for a meeting, and
// keeping them (over a fake Cache Storage and a fake server). What must hold: the tiles
// cover the ward and its neighbours at street level without passing the cap, only the
// app's own tiles are kept, and no signal or a lost log-in stops the work quietly.
import assert from "node:assert/strict";
import { test } from "node:test";

import { CACHE, MAX_TILES, cacheMeetingTiles, cacheTiles, dataZooms, neighbourhoodBox, tileList, tileRange, tileUrl } from "../../static/js/capture/tiles.js";

const VECTOR = { kind: "vector", local: true, url: "/maps/tiles/{z}/{x}/{y}.mvt?v=abc", minZoom: 0, maxZoom: 15, bounds: [-1.5, 54.45, -0.75, 54.75] };
const RASTER = { kind: "raster", local: true, url: "/maps/tiles/{z}/{x}/{y}.png?v=abc", minZoom: 8, maxZoom: 10, bounds: [-1.5, 54.45, -0.75, 54.75] };
// About 6 km by 5 km around Middlesbrough's centre: a town ward and its neighbours.
const TOWN = [-1.28, 54.55, -1.19, 54.595];
// Guisborough to Loftus: a rural ward and its neighbours, some 25 km across.
const RURAL = [-1.12, 54.48, -0.78, 54.6];

test("tiles are numbered as the slippy map numbers them", () => {
  // Middlesbrough's centre (-1.2345, 54.5742), checked against the Python tests' tile_of.
  assert.deepEqual(tileRange([-1.2345, 54.5742, -1.2345, 54.5742], 14), { x0: 8135, x1: 8135, y0: 5215, y1: 5215 });
  assert.deepEqual(tileRange([-1.2345, 54.5742, -1.2345, 54.5742], 16), { x0: 32543, x1: 32543, y0: 20863, y1: 20863 });
  assert.deepEqual(tileRange([-180, -85, 180, 85], 0), { x0: 0, x1: 0, y0: 0, y1: 0 });
  assert.deepEqual(tileRange([-1.2345, 54.5742, -1.2345, 54.5742], 14, 1), { x0: 8134, x1: 8136, y0: 5214, y1: 5216 });
  assert.deepEqual(tileRange([-180, -85, 180, 85], 1, 1), { x0: 0, x1: 1, y0: 0, y1: 1 }, "never past the world's edge");
});

test("vector tiles are kept one zoom shallower than shown, within the archive's zooms", () => {
  assert.deepEqual(dataZooms(VECTOR), [11, 12, 13, 14, 15]);
  assert.deepEqual(dataZooms({ ...VECTOR, maxZoom: 14 }), [11, 12, 13, 14]);
  assert.deepEqual(dataZooms({ kind: "raster", minZoom: 0, maxZoom: 18 }), [12, 13, 14, 15, 16]);
  // An archive that stops at 10 is drawn larger from its zoom 10 tiles: those are the ones to keep.
  assert.deepEqual(dataZooms(RASTER), [10]);
});

test("a town ward and its neighbours are kept down to street level, under the cap", () => {
  const tiles = tileList(VECTOR, TOWN);
  const zooms = new Set(tiles.map((t) => t.z));
  assert.deepEqual([...zooms], [11, 12, 13, 14, 15]);
  assert.ok(tiles.length <= MAX_TILES, `${tiles.length} tiles`);
  // Every point of the box is on a kept tile at every zoom, and so is a tile's width around it.
  for (const z of zooms) {
    const r = tileRange(TOWN, z, 1);
    for (const [x, y] of [[r.x0, r.y0], [r.x1, r.y1]]) assert.ok(tiles.some((t) => t.z === z && t.x === x && t.y === y), `${z}/${x}/${y}`);
  }
  assert.equal(new Set(tiles.map((t) => `${t.z}/${t.x}/${t.y}`)).size, tiles.length, "no tile twice");
});

test("a large rural area stops at the last whole zoom that fits the cap", () => {
  const tiles = tileList({ ...VECTOR, maxZoom: 16, kind: "raster" }, RURAL);
  const zooms = [...new Set(tiles.map((t) => t.z))];
  assert.ok(tiles.length <= MAX_TILES, `${tiles.length} tiles`);
  assert.ok(zooms.length >= 2 && zooms.at(-1) < 16, `zooms ${zooms}`);
  const next = tileRange(RURAL, zooms.at(-1) + 1, 1);
  assert.ok(tiles.length + (next.x1 - next.x0 + 1) * (next.y1 - next.y0 + 1) > MAX_TILES, "the next zoom would not have fitted");
  assert.ok(tileList(VECTOR, RURAL, 10).length <= 10);
});

test("only tiles inside the archive's area are asked for", () => {
  const far = tileList(VECTOR, [-3.2, 55.9, -3.1, 56.0]); // Edinburgh
  assert.deepEqual(far, []);
  const half = tileList({ ...VECTOR, bounds: [-1.25, 54.45, -0.75, 54.75] }, TOWN);
  const whole = tileList(VECTOR, TOWN);
  assert.ok(half.length > 0 && half.length < whole.length);
  assert.deepEqual(tileList(VECTOR, null), []);
});

test("the addresses are the app's own, with the archive's version", () => {
  assert.equal(tileUrl(VECTOR, { z: 14, x: 8135, y: 5215 }), "/maps/tiles/14/8135/5215.mvt?v=abc");
});

test("the neighbourhood box spans every ward around the meeting's", () => {
  const square = (code, x, y) => ({
    properties: { ward_code: code },
    geometry: { type: "Polygon", coordinates: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]] },
  });
  const places = { neighbourhood: (code) => (code === "A" ? [square("A", 0, 0), square("B", 1, 0), square("C", 0, -1)] : []) };
  assert.deepEqual(neighbourhoodBox(places, "A"), [0, -1, 2, 1]);
  assert.equal(neighbourhoodBox(places, "Z"), null);
});

// --- keeping them --------------------------------------------------------------

const BASE = "http://phone.test/capture";

function fakeCaches() {
  const stores = new Map();
  return {
    stores,
    async open(name) {
      if (!stores.has(name)) stores.set(name, new Map());
      const entries = stores.get(name);
      return {
        keys: async () => [...entries.keys()].map((url) => ({ url })),
        put: async (url, response) => { entries.set(new URL(url, BASE).href, response); },
        delete: async (request) => entries.delete(request.url),
      };
    },
  };
}

function server(answer = () => new Response("tile", { status: 200 })) {
  const asked = [];
  const fetcher = async (url) => { asked.push(url); return answer(url, asked.length); };
  return { asked, fetcher };
}

const urls = (n, v = "abc") => Array.from({ length: n }, (_, i) => `/maps/tiles/15/${i}/1.mvt?v=${v}`);

test("the tiles not yet on the phone are fetched and kept; the next meeting fetches only new ones", async () => {
  const cacheStorage = fakeCaches();
  const first = server();
  const done = await cacheTiles(urls(10), { cacheStorage, fetcher: first.fetcher, base: BASE });
  assert.equal(done.fetched, 10);
  assert.equal(cacheStorage.stores.get(CACHE).size, 10);
  const again = server();
  await cacheTiles(urls(12), { cacheStorage, fetcher: again.fetcher, base: BASE });
  assert.deepEqual(again.asked, ["http://phone.test/maps/tiles/15/10/1.mvt?v=abc", "http://phone.test/maps/tiles/15/11/1.mvt?v=abc"]);
});

test("a new archive's tiles replace the old one's", async () => {
  const cacheStorage = fakeCaches();
  await cacheTiles(urls(5, "old"), { cacheStorage, fetcher: server().fetcher, base: BASE });
  await cacheTiles(urls(3, "new"), { cacheStorage, fetcher: server().fetcher, base: BASE });
  assert.deepEqual([...cacheStorage.stores.get(CACHE).keys()].map((u) => new URL(u).searchParams.get("v")), ["new", "new", "new"]);
});

test("past the limit, the oldest meetings' tiles go first, never this meeting's", async () => {
  const cacheStorage = fakeCaches();
  await cacheTiles(urls(6).map((u) => u.replace("/15/", "/14/")), { cacheStorage, fetcher: server().fetcher, base: BASE, keep: 8 });
  await cacheTiles(urls(6), { cacheStorage, fetcher: server().fetcher, base: BASE, keep: 8 });
  const kept = [...cacheStorage.stores.get(CACHE).keys()];
  assert.equal(kept.length, 8);
  assert.ok(urls(6).every((u) => kept.includes(new URL(u, BASE).href)));
  assert.ok(!kept.includes(new URL("/maps/tiles/14/0/1.mvt?v=abc", BASE).href), "the oldest went first");
});

test("no signal stops at once, and a logged-out answer is not kept as a tile", async () => {
  const cacheStorage = fakeCaches();
  const offline = server(() => { throw new TypeError("Failed to fetch"); });
  const result = await cacheTiles(urls(40), { cacheStorage, fetcher: offline.fetcher, base: BASE });
  assert.equal(result.stopped, true);
  assert.ok(offline.asked.length <= 4, `${offline.asked.length} requests without signal`); // one per worker at most
  const login = Object.assign(new Response("<form>log in</form>", { status: 200 }), {});
  Object.defineProperty(login, "redirected", { value: true });
  const loggedOut = server(() => login);
  const answer = await cacheTiles(urls(40), { cacheStorage, fetcher: loggedOut.fetcher, base: BASE });
  assert.equal(answer.stopped, true);
  assert.equal(cacheStorage.stores.get(CACHE).size, 0);
});

test("a missing tile is skipped and the rest are kept", async () => {
  const cacheStorage = fakeCaches();
  const patchy = server((url) => (url.includes("/3/") ? new Response("", { status: 404 }) : new Response("t")));
  const result = await cacheTiles(urls(6), { cacheStorage, fetcher: patchy.fetcher, base: BASE });
  assert.deepEqual([result.fetched, result.failed], [5, 1]);
});

test("tiles from another site (ENGAGE_TILE_URL) are never fetched for the phone", async () => {
  const places = { neighbourhood: () => [] };
  assert.equal(await cacheMeetingTiles(places, "E05009857", { kind: "raster", local: false, url: "https://tiles.example/{z}/{x}/{y}.png" }), null);
  assert.equal(await cacheMeetingTiles(places, "E05009857", { kind: null }), null);
});
