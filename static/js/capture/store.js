// The phone's own record of every meeting and concern, in IndexedDB (through idb).
//
// Everything the officer saves is written here first, and only then shown as saved or
// sent anywhere: the page, the network and the server can all fail, this must not.
// A record stays until the server has accepted it; afterwards a short "sent" copy is
// kept so the officer can see what was recorded at the meeting.
//
// Record states: "waiting" (not yet accepted), "rejected" (the server refused it with
// field errors; the officer must fix it), "conflict" (its id is taken on the server by
// another entry; the officer sends it as a new one) and "sent". A sent concern may carry a
// `change` still to send: "edit" (PATCH) or "undo" (DELETE).

const DB_NAME = "engage-capture";
// 2: the briefs of planned meetings, kept for offline reading, and the "reported back"
// marks made on them (issue #21).
const DB_VERSION = 2;
const SENT_KEPT_DAYS = 14;

let opening = null;

function open() {
  if (!opening) {
    opening = idb.openDB(DB_NAME, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          const meetings = db.createObjectStore("meetings", { keyPath: "id" });
          meetings.createIndex("state", "state");
          const concerns = db.createObjectStore("concerns", { keyPath: "id" });
          concerns.createIndex("meeting", "meeting_id");
          concerns.createIndex("state", "state");
          db.createObjectStore("meta");
        }
        if (oldVersion < 2) {
          // A planned meeting's brief, as GET /api/v1/meetings/<id>/brief answered it.
          db.createObjectStore("briefs", { keyPath: "meeting.id" });
          // Marks are never overwritten: each tap is a record of its own, with its own id.
          const marks = db.createObjectStore("marks", { keyPath: "id" });
          marks.createIndex("concern", "concern_id");
          marks.createIndex("state", "state");
        }
      },
      // A newer page in another tab wants to upgrade the database: let it.
      blocking() { opening.then((db) => db.close()); opening = null; },
      terminated() { opening = null; },
    });
  }
  return opening;
}

const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("engage-capture") : null;
const listeners = new Set();

// Every write tells this tab's listeners and other open tabs, so counts stay true.
function changed() {
  listeners.forEach((fn) => fn());
  if (channel) channel.postMessage("changed");
}
if (channel) channel.onmessage = () => listeners.forEach((fn) => fn());

export function onChange(fn) { listeners.add(fn); }

export function newId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Pages served over plain http (a developer's laptop on the LAN) lack randomUUID.
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Ask the browser not to evict our data under storage pressure (best effort).
export async function askToPersist() {
  try {
    if (navigator.storage && navigator.storage.persist && !(await navigator.storage.persisted())) {
      await navigator.storage.persist();
    }
  } catch { /* not fatal: IndexedDB still works, only less protected */ }
}

// --- writes ----------------------------------------------------------------

// Resolves only when the transaction has committed: callers may then tell the officer.
export async function put(storeName, record) {
  const db = await open();
  const tx = db.transaction(storeName, "readwrite");
  tx.store.put(record);
  await tx.done;
  changed();
  return record;
}

// Read, change and write one record in a single transaction, so the sync loop and the
// officer editing at the same moment cannot overwrite each other's change.
// `fn` returns the new record, or null to delete it, or undefined to leave it.
export async function update(storeName, id, fn) {
  const db = await open();
  const tx = db.transaction(storeName, "readwrite");
  const current = await tx.store.get(id);
  const next = fn(current);
  if (next === null && current) tx.store.delete(id);
  else if (next) tx.store.put(next);
  await tx.done;
  if (next !== undefined) changed();
  return next;
}

// The record `id` under the id `newId`, in one transaction: `fn` gives the new record
// (its id is set here), or undefined to change nothing.
export async function renumber(storeName, id, newId, fn) {
  const db = await open();
  const tx = db.transaction(storeName, "readwrite");
  const current = await tx.store.get(id);
  const next = fn(current);
  if (next) {
    tx.store.delete(id);
    tx.store.put({ ...next, id: newId });
  }
  await tx.done;
  if (next) changed();
  return next ? { ...next, id: newId } : undefined;
}

// The meeting `fromId` is one the server already holds as `record` (the same ward, date
// and venue, started on another phone or before this one could ask): in one transaction
// `record` takes its place, its concerns move to `record`'s id, and it stays the current
// meeting if it was. A copy of `record` already on the phone is kept (and reopened).
export async function continueMeeting(fromId, record) {
  const db = await open();
  const tx = db.transaction(["meetings", "concerns", "meta"], "readwrite");
  const meetingStore = tx.objectStore("meetings");
  const old = await meetingStore.get(fromId);
  const kept = await meetingStore.get(record.id);
  const next = { ...(kept || record), ended_at: old ? old.ended_at || null : null, continued_from: fromId };
  meetingStore.put(next);
  if (fromId !== record.id) meetingStore.delete(fromId);
  const concernStore = tx.objectStore("concerns");
  for (const c of await concernStore.index("meeting").getAll(fromId)) concernStore.put({ ...c, meeting_id: record.id });
  const meta = tx.objectStore("meta");
  if ((await meta.get("current-meeting")) === fromId) meta.put(record.id, "current-meeting");
  await tx.done;
  changed();
  return next;
}

export async function remove(storeName, id) {
  const db = await open();
  await db.delete(storeName, id);
  changed();
}

export async function setMeta(key, value) {
  const db = await open();
  await db.put("meta", value, key);
}

// --- reads -----------------------------------------------------------------

export async function get(storeName, id) {
  return (await open()).get(storeName, id);
}

export async function getMeta(key) {
  return (await open()).get("meta", key);
}

export async function meetings() {
  const all = await (await open()).getAll("meetings");
  return all.sort((a, b) => (b.saved_at || "").localeCompare(a.saved_at || ""));
}

export async function briefs() {
  const all = await (await open()).getAll("briefs");
  return all.sort((a, b) => (a.meeting.date || "").localeCompare(b.meeting.date || ""));
}

// Every mark made on this phone for these concerns, in the order made.
export async function marksFor(concernIds) {
  const db = await open();
  const lists = await Promise.all(concernIds.map((id) => db.getAllFromIndex("marks", "concern", id)));
  return lists.flat().sort((a, b) => (a.marked_at || "").localeCompare(b.marked_at || ""));
}

export async function concernsFor(meetingId) {
  const all = await (await open()).getAllFromIndex("concerns", "meeting", meetingId);
  return all.filter((c) => c.change !== "undo").sort((a, b) => (b.saved_at || "").localeCompare(a.saved_at || ""));
}

export function needsSending(record) {
  return record.state !== "sent" || Boolean(record.change);
}

// Refused by the server: waits for the officer, not for the network.
export function needsFixing(record) {
  if (record.change === "undo") return false; // being undone: nothing left to fix
  return record.state === "rejected" || record.state === "conflict" || Boolean(record.change && record.errors);
}

// What is still to reach the server, meetings first (the server copes with either order,
// but a concern then finds its meeting at once).
// "Reported back" marks come last: they name concerns the server already holds.
export async function queue() {
  const db = await open();
  const meetingList = (await db.getAll("meetings")).filter(needsSending);
  const concernList = (await db.getAll("concerns")).filter(needsSending);
  const markList = (await db.getAll("marks")).filter((m) => m.state === "waiting");
  const bySaved = (a, b) => (a.saved_at || "").localeCompare(b.saved_at || "");
  return { meetings: meetingList.sort(bySaved), concerns: concernList.sort(bySaved), marks: markList.sort(bySaved) };
}

export async function counts() {
  const { meetings: m, concerns: c, marks: k } = await queue();
  const rejected = m.concat(c).filter(needsFixing).length;
  const total = m.length + c.length + k.length;
  return { meetings: m.length, concerns: c.length, marks: k.length, total, rejected, records: m.concat(c) };
}

// Sent records older than a fortnight are only clutter; unsent ones are never pruned.
export async function prune() {
  const cutoff = new Date(Date.now() - SENT_KEPT_DAYS * 86400e3).toISOString();
  const db = await open();
  // A meeting stays while any of its concerns is still to send.
  const busy = new Set((await db.getAll("concerns")).filter(needsSending).map((c) => c.meeting_id));
  const tx = db.transaction(["meetings", "concerns"], "readwrite");
  for (const name of ["meetings", "concerns"]) {
    let cursor = await tx.objectStore(name).openCursor();
    while (cursor) {
      const r = cursor.value;
      const old = (r.sent_at || r.saved_at || "") < cutoff;
      if (old && !needsSending(r) && !(name === "meetings" && busy.has(r.id))) cursor.delete();
      cursor = await cursor.continue();
    }
  }
  await tx.done;
  // Sent marks, and the briefs of meetings a fortnight past, likewise; an unsent mark stays.
  const day = cutoff.slice(0, 10);
  const rest = db.transaction(["marks", "briefs"], "readwrite");
  let mark = await rest.objectStore("marks").openCursor();
  while (mark) {
    if (mark.value.state === "sent" && (mark.value.sent_at || "") < cutoff) mark.delete();
    mark = await mark.continue();
  }
  let brief = await rest.objectStore("briefs").openCursor();
  while (brief) {
    if ((brief.value.meeting.date || "") < day) brief.delete();
    brief = await brief.continue();
  }
  await rest.done;
}
