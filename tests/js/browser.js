// What store.js and sync.js find in the browser, for node. Import this first: it must
// run before store.js is evaluated.
//
// - indexedDB: fake-indexeddb, an in-memory IndexedDB.
// - idb: the page loads idb's UMD build with a <script> tag (the global `idb`); here the
//   same package from node_modules is put on that global, so store.js is not changed.
// - navigator: online, without Web Locks (sync.js then sends without a lock).
// - BroadcastChannel: removed, as in a browser without it (store.js allows for that);
//   node's own would keep the test process alive once store.js listens on it.
// - document: only the capture page's contract block (id="engage-contract"), holding
//   tests/cases/page_contract.json, which tests/test_concerns/test_capture_page.py checks
//   is what the server renders; contract.js reads it as it reads the page's.
import "fake-indexeddb/auto";
import * as idb from "idb";
import { readFileSync } from "node:fs";

const CONTRACT_JSON = readFileSync(new URL("../cases/page_contract.json", import.meta.url), "utf-8");
export const CONTRACT = JSON.parse(CONTRACT_JSON);

globalThis.idb = idb;
Object.defineProperty(globalThis, "navigator", { value: { onLine: true }, configurable: true, writable: true });
delete globalThis.BroadcastChannel;
globalThis.document = {
  getElementById: (id) => (id === "engage-contract" ? { textContent: CONTRACT_JSON } : null),
};

// Empties the phone's database between tests (store.js keeps its connection open).
export async function clearPhone() {
  // Before store.js has created it, opening it here would make an empty one.
  if (!(await globalThis.indexedDB.databases()).some((d) => d.name === "engage-capture")) return;
  const db = await idb.openDB("engage-capture");
  for (const name of db.objectStoreNames) await db.clear(name);
  db.close();
}

let clock = 0;
// A saved_at a second after the last one, so records sort in the order they were made.
export function nextMoment() {
  clock += 1;
  return new Date(Date.UTC(2026, 4, 14, 19, 0, clock)).toISOString();
}

export function meeting(id, extra = {}) {
  return {
    id, owner: null, rev: 1, state: "waiting", errors: null, problem: null, saved_at: nextMoment(),
    data: { ward_codes: ["E05009857"], date: "2026-05-14", venue: "Central Library", attendance: 12 },
    label: { ward_name: "Central", lad_name: "Middlesbrough" },
    ...extra,
  };
}

export function concern(id, meetingId, extra = {}) {
  const saved = nextMoment();
  return {
    id, meeting_id: meetingId, owner: null, rev: 1, state: "waiting", change: null, errors: null,
    problem: null, tried: false, saved_at: saved,
    data: {
      category: "drugs", description: `concern ${id}`, residents: 1, priority: "normal", raised_at: saved,
      contact_consent: true, contact_name: "A Resident", contact_details: "01642 000000",
    },
    label: { category: "Drugs", place: "Central", ward: "Central", outside: false },
    ...extra,
  };
}
