// The map library, loaded after the form is usable (issue #20): Leaflet and the base
// map's scripts are two thirds of what the page would otherwise fetch before an officer
// can start, and most concerns never open the map. The page lists their URLs (with
// their digests) in #map-library; each is added once, in order, as the page's own.

let loading = null;

function add(tag, attributes) {
  return new Promise((resolve, reject) => {
    const el = Object.assign(document.createElement(tag), attributes);
    el.addEventListener("load", () => resolve(), { once: true });
    el.addEventListener("error", () => reject(new Error(`could not load ${attributes.src || attributes.href}`)), { once: true });
    // A library's stylesheet goes where the page marks it (#map-styles), before the
    // page's own: capture.css sizes Leaflet's controls for a thumb, and must win the cascade.
    const spot = tag === "link" && document.getElementById("map-styles");
    if (spot) spot.before(el); else document.head.append(el);
  });
}

export function loadMapLibrary() {
  if (typeof L !== "undefined" && !loading) loading = Promise.resolve();
  if (!loading) {
    const el = document.getElementById("map-library");
    const { styles = [], scripts = [] } = el ? JSON.parse(el.textContent) : {};
    loading = (async () => {
      const css = Promise.all(styles.map((href) => add("link", { rel: "stylesheet", href })));
      for (const src of scripts) await add("script", { src, async: false }); // in order: the base map needs Leaflet
      await css;
    })();
    loading.catch(() => { loading = null; }); // offline with nothing cached: try again when asked
  }
  return loading;
}
