// Geometry the phone needs without signal: which ward outline holds a point, and where
// an OS grid reference is. The server locates every concern again when it arrives
// (it is the authority); this is only so the officer sees the ward before saving.

// --- point in polygon (GeoJSON Polygon / MultiPolygon in lon/lat) ------------

function inRing(x, y, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function inPolygon(x, y, rings) {
  if (!inRing(x, y, rings[0])) return false;
  for (let k = 1; k < rings.length; k++) if (inRing(x, y, rings[k])) return false; // a hole
  return true;
}

export function contains(geometry, lon, lat) {
  if (!geometry) return false;
  if (geometry.type === "Polygon") return inPolygon(lon, lat, geometry.coordinates);
  if (geometry.type === "MultiPolygon") return geometry.coordinates.some((p) => inPolygon(lon, lat, p));
  return false;
}

export function bbox(geometry) {
  const box = [Infinity, Infinity, -Infinity, -Infinity];
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0]) {
      if (x < box[0]) box[0] = x;
      if (y < box[1]) box[1] = y;
      if (x > box[2]) box[2] = x;
      if (y > box[3]) box[3] = y;
    }
  }
  return box;
}

export function boxesTouch(a, b, margin = 0) {
  return a[0] - margin <= b[2] && b[0] - margin <= a[2] && a[1] - margin <= b[3] && b[1] - margin <= a[3];
}

// --- OS grid references -------------------------------------------------------

export class GridRefError extends Error {}

// "NZ 4966 1942" -> [easting, northing] in metres: the centre of the square named, as
// the server does (geodata/gridref.py), since "NZ41" stands for a whole 10 km square.
export function parseGridRef(text) {
  const compact = String(text || "").replace(/\s+/g, "").toUpperCase();
  const match = /^([A-HJ-Z]{2})(\d*)$/.exec(compact);
  if (!compact) throw new GridRefError("Type a grid reference such as NZ 4966 1942.");
  if (!match || match[2].length < 2 || match[2].length > 10 || match[2].length % 2) {
    throw new GridRefError("Two letters then an even number of digits, such as NZ 4966 1942.");
  }
  // Letters index a 5x5 grid of 500 km squares, then of 100 km squares ("I" is unused).
  let l1 = match[1].charCodeAt(0) - 65;
  let l2 = match[1].charCodeAt(1) - 65;
  if (l1 > 7) l1 -= 1;
  if (l2 > 7) l2 -= 1;
  const e100 = (((l1 - 2) % 5) + 5) % 5 * 5 + (l2 % 5);
  const n100 = 19 - Math.floor(l1 / 5) * 5 - Math.floor(l2 / 5);
  if (e100 < 0 || e100 > 6 || n100 < 0 || n100 > 12) throw new GridRefError(`${match[1]} is not a square on the National Grid.`);
  const half = match[2].length / 2;
  const size = 10 ** (5 - half);
  const e = Number(match[2].slice(0, half)) * size;
  const n = Number(match[2].slice(half)) * size;
  return [e100 * 100000 + e + size / 2, n100 * 100000 + n + size / 2];
}

const AIRY = { a: 6377563.396, b: 6356256.909 };
const GRS80 = { a: 6378137, b: 6356752.314245 };

// British National Grid (OSGB36 transverse Mercator) -> OSGB36 latitude/longitude in
// radians. Ordnance Survey's published series ("A guide to coordinate systems in
// Great Britain", annex C).
function gridToOsgb36(E, N) {
  const { a, b } = AIRY;
  const F0 = 0.9996012717;
  const lat0 = (49 * Math.PI) / 180;
  const lon0 = (-2 * Math.PI) / 180;
  const N0 = -100000;
  const E0 = 400000;
  const e2 = 1 - (b * b) / (a * a);
  const n = (a - b) / (a + b);
  const n2 = n * n;
  const n3 = n2 * n;
  let lat = lat0;
  let M = 0;
  do {
    lat = (N - N0 - M) / (a * F0) + lat;
    const dl = lat - lat0;
    const sl = lat + lat0;
    M = b * F0 * ((1 + n + 1.25 * n2 + 1.25 * n3) * dl
      - (3 * n + 3 * n2 + (21 / 8) * n3) * Math.sin(dl) * Math.cos(sl)
      + ((15 / 8) * n2 + (15 / 8) * n3) * Math.sin(2 * dl) * Math.cos(2 * sl)
      - (35 / 24) * n3 * Math.sin(3 * dl) * Math.cos(3 * sl));
  } while (Math.abs(N - N0 - M) >= 0.00001);
  const sin = Math.sin(lat);
  const nu = (a * F0) / Math.sqrt(1 - e2 * sin * sin);
  const rho = (a * F0 * (1 - e2)) / Math.pow(1 - e2 * sin * sin, 1.5);
  const eta2 = nu / rho - 1;
  const t = Math.tan(lat);
  const t2 = t * t;
  const t4 = t2 * t2;
  const t6 = t4 * t2;
  const sec = 1 / Math.cos(lat);
  const VII = t / (2 * rho * nu);
  const VIII = (t / (24 * rho * nu ** 3)) * (5 + 3 * t2 + eta2 - 9 * t2 * eta2);
  const IX = (t / (720 * rho * nu ** 5)) * (61 + 90 * t2 + 45 * t4);
  const X = sec / nu;
  const XI = (sec / (6 * nu ** 3)) * (nu / rho + 2 * t2);
  const XII = (sec / (120 * nu ** 5)) * (5 + 28 * t2 + 24 * t4);
  const XIIA = (sec / (5040 * nu ** 7)) * (61 + 662 * t2 + 1320 * t4 + 720 * t6);
  const dE = E - E0;
  return [
    lat - VII * dE ** 2 + VIII * dE ** 4 - IX * dE ** 6,
    lon0 + X * dE - XI * dE ** 3 + XII * dE ** 5 - XIIA * dE ** 7,
  ];
}

// OSGB36 -> WGS84 by the OS's seven-parameter Helmert transformation: good to a few
// metres, plenty to tell which ward a point is in.
function osgb36ToWgs84(lat, lon) {
  const { a, b } = AIRY;
  const e2 = 1 - (b * b) / (a * a);
  const nu = a / Math.sqrt(1 - e2 * Math.sin(lat) ** 2);
  const x1 = nu * Math.cos(lat) * Math.cos(lon);
  const y1 = nu * Math.cos(lat) * Math.sin(lon);
  const z1 = (1 - e2) * nu * Math.sin(lat);
  const s = -20.4894e-6;
  const arc = Math.PI / (180 * 3600);
  const [tx, ty, tz] = [446.448, -125.157, 542.06];
  const [rx, ry, rz] = [0.1502 * arc, 0.247 * arc, 0.8421 * arc];
  const x2 = tx + (1 + s) * x1 - rz * y1 + ry * z1;
  const y2 = ty + rz * x1 + (1 + s) * y1 - rx * z1;
  const z2 = tz - ry * x1 + rx * y1 + (1 + s) * z1;
  const a2 = GRS80.a;
  const e22 = 1 - (GRS80.b * GRS80.b) / (a2 * a2);
  const p = Math.hypot(x2, y2);
  let phi = Math.atan2(z2, p * (1 - e22));
  for (let i = 0; i < 10; i++) {
    const nu2 = a2 / Math.sqrt(1 - e22 * Math.sin(phi) ** 2);
    phi = Math.atan2(z2 + e22 * nu2 * Math.sin(phi), p);
  }
  return [(Math.atan2(y2, x2) * 180) / Math.PI, (phi * 180) / Math.PI];
}

// Grid reference text -> [lon, lat] in WGS84.
export function gridRefToLonLat(text) {
  const [E, N] = parseGridRef(text);
  const [lat, lon] = gridToOsgb36(E, N);
  return osgb36ToWgs84(lat, lon);
}
