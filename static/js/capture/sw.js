/* The capture app's service worker, served at /sw.js by engage/concerns/capture_views.py, which
 * puts `CAPTURE` above this line: {version, shell: [urls], data: [urls], page}.
 *
 * - The shell (the /capture page, its scripts and styles, Leaflet, idb) is cached when
 *   the worker installs, in a cache named after the deployment's version. The page
 *   registers the worker once it has fetched them itself, and their URLs carry digests,
 *   so the install takes them from the browser's cache: on one bar of signal the first
 *   visit pays for each file once (issue #20).
 *   Scripts and styles are answered from that cache (cache first). The page itself is
 *   network first with a 3 s timeout (see pageNetworkFirst).
 * - Reference data (categories, wards) is network first with a short timeout, falling
 *   back to the last copy cached.
 * - Base map tiles are answered from the cache static/js/capture/tiles.js fills when a
 *   meeting starts (the streets around its ward), else from the network.
 * - Nothing else is touched: writes (POST, PATCH, DELETE) and all other pages go to the
 *   network as if there were no worker. The entries themselves are kept by the page in
 *   IndexedDB, never here.
 */
/* global CAPTURE */
"use strict";

const SHELL_CACHE = `capture-shell-${CAPTURE.version}`;
const DATA_CACHE = "capture-data"; // not versioned: a new deployment keeps the last known wards
const DATA_TIMEOUT_MS = 4000;
const PAGE_TIMEOUT_MS = 3000;
// Base map tiles (engage/maps/views.py tile), kept by static/js/capture/tiles.js when a meeting starts.
const TILES = "/maps/tiles/";
const TILE_CACHE = "capture-tiles";

const shell = new Set(CAPTURE.shell);
const data = new Set(CAPTURE.data);

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    // The browser's cache may answer: a URL with a digest names one version of a file.
    // Not cache.addAll: it would follow a redirect to the log-in form and keep that
    // as the capture page. Any failure fails the install, retried on the next visit.
    await Promise.all(CAPTURE.shell.map(async (url) => {
      const response = await fetch(url, { credentials: "same-origin" });
      if (!keepable(response)) throw new Error(`could not cache ${url}: ${response.status}`);
      await cache.put(url, response);
    }));
    // The data too, so the first visit is enough to work offline afterwards. Best effort:
    // the page keeps its own copy as well.
    const dataCache = await caches.open(DATA_CACHE);
    await Promise.all(CAPTURE.data.map(async (url) => {
      try {
        // Revalidated, not fetched again: the outlines answer 304 to the ETag the page got.
        const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
        if (response.ok) await dataCache.put(url, response);
      } catch { /* offline during install: the page's own copy covers it */ }
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("capture-shell-") && n !== SHELL_CACHE).map((n) => caches.delete(n)));
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === CAPTURE.page && request.mode === "navigate") {
    event.respondWith(pageNetworkFirst(event));
  } else if (url.pathname.startsWith(TILES)) {
    event.respondWith(tileCacheFirst(request));
  } else if (data.has(url.pathname) && !url.search) {
    event.respondWith(networkFirst(request, url.pathname));
  } else if (shell.has(url.pathname)) {
    event.respondWith(cacheFirst(request, url.pathname));
  }
});

// A page we may keep: the real capture page, not a redirect to the log-in form.
function keepable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

// The page: from the network when it answers within a few seconds, so it is the
// logged-in officer's page (their e-mail, a current token) and a log-in redirect is
// followed; otherwise, and with no signal at all (which fails at once), from the cache.
async function pageNetworkFirst(event) {
  const cache = await caches.open(SHELL_CACHE);
  const fresh = fetch(event.request).then(async (response) => {
    if (keepable(response)) await cache.put(CAPTURE.page, response.clone());
    return response;
  });
  event.waitUntil(fresh.catch(() => {})); // a slow answer still refreshes the cache
  try {
    const response = await Promise.race([fresh, timeout(PAGE_TIMEOUT_MS)]);
    if (response.status < 500) return response; // the page, or a redirect to log in
  } catch { /* no signal, or too slow */ }
  const cached = await cache.match(CAPTURE.page, { ignoreSearch: true, ignoreVary: true });
  return cached || fresh;
}

function timeout(ms) {
  return new Promise((_, reject) => setTimeout(() => reject(new Error("slow")), ms));
}

async function cacheFirst(request, path) {
  const cache = await caches.open(SHELL_CACHE);
  const cached = await cache.match(path, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (keepable(response)) await cache.put(path, response.clone());
  return response;
}

// A meeting's tiles from the phone; others from the network, and none (an empty tile,
// a blank square) without signal.
async function tileCacheFirst(request) {
  const cached = await (await caches.open(TILE_CACHE)).match(request, { ignoreVary: true });
  if (cached) return cached;
  try {
    return await fetch(request);
  } catch {
    return new Response(null, { status: 504 });
  }
}

async function networkFirst(request, path) {
  const cache = await caches.open(DATA_CACHE);
  const network = fetch(request).then(async (response) => {
    if (response.ok) await cache.put(path, response.clone());
    return response;
  });
  try {
    // One bar of signal can take a minute to fail: give up on it after a few seconds.
    const response = await Promise.race([network, timeout(DATA_TIMEOUT_MS)]);
    if (response.ok) return response;
    const cached = await cache.match(path, { ignoreVary: true });
    return cached || response; // e.g. 401: the cached list is still the right one to show
  } catch {
    const cached = await cache.match(path, { ignoreVary: true });
    if (cached) {
      network.catch(() => {}); // let a slow answer still refresh the cache
      return cached;
    }
    return network;
  }
}
