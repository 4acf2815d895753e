// Sends the phone's queue to the server, for as long as the page is open.
//
// Runs on page load, after every save, when the phone comes back online or the page
// becomes visible, and on a backoff timer (1 s doubling to 60 s) after network errors
// and 5xx answers. Entries carry the phone's UUIDs, so sending one twice (a lost
// answer, two tabs) stores it once. An entry leaves the queue only on the server's
// 200/201 (or 204 for an undo); a 422 keeps it, marked with the server's field errors
// for the officer to fix; a 401 stops everything until the officer logs in again.
// A 409 (another entry is stored under this id) or 404 (one the officer may not see) to
// a new entry keeps it too, as a "conflict": never sent again under that id, it waits
// for the officer to send it as a new entry (`sendAsNew`). A 409 naming an `existing`
// meeting (held at the same ward, date and venue) continues that one: the phone's meeting
// takes its id, and its concerns go there.

import { concernEditable } from "./contract.js";
import { recordFromServer } from "./same.js";
import * as store from "./store.js";

const MAX_DELAY_MS = 60000;
const SLOW_RETRY_MS = 60000;
const REQUEST_TIMEOUT_MS = 20000;
// Asking whether a meeting is already recorded must not keep the officer waiting long.
const LOOKUP_TIMEOUT_MS = 4000;
// Entries in flight at once. Over a hall's mobile signal each answer takes a round
// trip of a few hundred ms, and a queue of a whole meeting sent one by one waits for
// every one of them; browsers open up to 6 connections to a server, so 3 leaves room
// for the page's own requests. Each entry is sent by one lane only.
const SEND_AT_ONCE = 3;

export const state = {
  running: false,
  loginNeeded: false,
  problem: null,     // a message about the whole queue (403, server down, odd answers)
  heldFor: null,     // another officer's entries on this phone wait for them to log in
  session: null,     // {email, roles, csrf_token} from the last successful check
  lastSentAt: null,
  nextTryAt: null,
  inFlight: new Set(),
};

const watchers = new Set();
export function onState(fn) { watchers.add(fn); }
function notify() { watchers.forEach((fn) => fn(state)); }

// Why a batch stopped: "network" (retry with backoff), "login" or "refused".
class Stop extends Error {
  constructor(kind, message) { super(message || kind); this.kind = kind; }
}

let timer = null;
let timerAt = 0;
let attempt = 0;
let again = false;

export function start() {
  window.addEventListener("online", () => { attempt = 0; soon(); });
  window.addEventListener("offline", notify);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") soon(); });
  soon();
  // Learn who is logged in even with nothing to send: new entries are saved as theirs.
  if (navigator.onLine !== false) {
    fetchSession().then((session) => { if (!state.session) { state.session = session; notify(); } }).catch(() => {});
  }
}

// Run in `delay` ms, unless a run is already due sooner: a backoff or slow retry must
// never push back a run that a save or the 'online' event has just asked for.
export function soon(delay = 0) {
  const at = Date.now() + delay;
  if (timer && timerAt <= at) return;
  clearTimeout(timer);
  timerAt = at;
  state.nextTryAt = delay ? at : null;
  timer = setTimeout(run, delay);
}

async function run() {
  timer = null;
  timerAt = 0;
  state.nextTryAt = null;
  if (state.running) { again = true; return; } // a save during a batch: go round once more
  state.running = true;
  notify();
  let outcome;
  try {
    outcome = await withLock(sendAll);
  } catch (err) {
    outcome = err instanceof Stop ? err.kind : "network";
    if (outcome === "login") state.loginNeeded = true;
    else state.problem = err instanceof Stop ? err.message : `Not sent: ${err.message}`;
    if (!(err instanceof Stop)) console.error(err); // eslint-disable-line no-console
  } finally {
    state.running = false;
  }
  // Asked again while this batch ran (a save, the phone back online): go round at once,
  // whatever this batch found, since it may have looked before the change.
  if (again) { again = false; soon(); notify(); return; }
  schedule(outcome, await store.counts());
  notify();
}

function schedule(outcome, counts) {
  if (outcome === "network") {
    attempt += 1;
    const delay = Math.min(MAX_DELAY_MS, 1000 * 2 ** attempt);
    soon(delay * (0.8 + Math.random() * 0.4)); // jitter: phones at one meeting do not retry in step
    return;
  }
  attempt = 0;
  if (outcome === "busy") soon(3000);
  else if (counts.total > counts.rejected) soon(SLOW_RETRY_MS); // offline, logged out, refused, held
}

// One tab sends at a time; the others wait for its changes (store broadcasts them).
async function withLock(fn) {
  if (!navigator.locks) return fn();
  return navigator.locks.request("engage-capture-sync", { ifAvailable: true }, (lock) => (lock ? fn() : "busy"));
}

async function sendAll() {
  const queue = await store.queue();
  if (!queue.meetings.length && !queue.concerns.length && !queue.marks.length) {
    Object.assign(state, { problem: null, heldFor: null, loginNeeded: false });
    return "done";
  }
  if (navigator.onLine === false) return "offline";
  // A fresh token for every batch: the page may have come from the cache hours ago.
  const session = await fetchSession();
  state.session = session;
  state.loginNeeded = false;
  state.problem = null;
  let heldFor = null;
  const mine = (record) => {
    // Never send one officer's entries under another's log-in on a shared phone.
    if (!record.owner || record.owner === session.email) return true;
    heldFor = record.owner;
    return false;
  };
  // Meetings first, so their concerns are placed by a meeting the server already has.
  await inLanes(queue.meetings.filter(mine), (meeting) => sendMeeting(meeting.id, session));
  await inLanes(queue.concerns.filter(mine), (concern) => sendConcern(concern.id, session));
  await inLanes(queue.marks.filter(mine), (mark) => sendMark(mark.id, session));
  state.heldFor = heldFor;
  return "done";
}

// Sends `records` SEND_AT_ONCE at a time, in queue order. The first Stop (no network,
// logged out, refused) ends the batch: no lane starts another entry, the ones already
// on their way finish, and the Stop is what the batch reports.
async function inLanes(records, send) {
  let next = 0;
  let stopped = null;
  const lane = async () => {
    while (!stopped && next < records.length) {
      const record = records[next];
      next += 1;
      try {
        await send(record);
      } catch (err) {
        stopped = stopped || err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SEND_AT_ONCE, records.length) }, lane));
  if (stopped) throw stopped;
}

async function call(method, url, body, token, timeoutMs = REQUEST_TIMEOUT_MS) {
  const controller = new AbortController();
  const timeout = setTimeout(() => controller.abort(), timeoutMs);
  const headers = { Accept: "application/json" };
  if (body) headers["Content-Type"] = "application/json";
  if (token) headers["X-CSRFToken"] = token;
  let response;
  try {
    response = await fetch(url, {
      method, headers, credentials: "same-origin", cache: "no-store", signal: controller.signal,
      body: body ? JSON.stringify(body) : undefined,
    });
  } catch {
    throw new Stop("network", "No connection to the server.");
  } finally {
    clearTimeout(timeout);
  }
  let payload = null;
  if (response.status !== 204) {
    try { payload = await response.json(); } catch { payload = null; }
  }
  if (response.status === 401) throw new Stop("login");
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    throw new Stop("network", `The server could not take entries just now (${response.status}); trying again.`);
  }
  // A Wi-Fi sign-in page answers 200 with HTML: that is not the server storing anything.
  if (payload === null && response.status !== 204) throw new Stop("network", "An unexpected answer from the network (a Wi-Fi sign-in page?).");
  if (response.status === 403) throw new Stop("refused", `The server refused: ${payload.error}`);
  return { status: response.status, body: payload };
}

async function fetchSession() {
  const { body } = await call("GET", "/api/v1/session");
  if (!body.csrf_token) throw new Stop("network", "An unexpected answer from the server.");
  return body;
}

// A write, retried once with a new token if the CSRF token has expired meanwhile.
async function write(method, url, body, session) {
  const first = await call(method, url, body, session.csrf_token);
  if (first.status === 400 && /csrf/i.test(first.body.error || "")) {
    Object.assign(session, await fetchSession());
    return call(method, url, body, session.csrf_token);
  }
  return first;
}

const now = () => new Date().toISOString();

function problemText(status, body) {
  return `The server answered ${status}: ${(body && body.error) || "no reason given"}`;
}

async function sendMeeting(id, session) {
  const meeting = await store.get("meetings", id);
  if (!meeting || meeting.state !== "waiting") return;
  const { status, body } = await tracked(id, () => write("POST", "/api/v1/meetings", { id, ...meeting.data }, session));
  checkStored(status, body, id);
  await store.update("meetings", id, (r) => {
    if (!r) return undefined;
    if (status === 200 || status === 201) {
      state.lastSentAt = now();
      return { ...r, state: "sent", sent_at: now(), errors: null, problem: null };
    }
    if (status === 422) return { ...r, state: "rejected", errors: body.fields || { body: body.error } };
    if (status === 409 && body.existing) return undefined; // continued below
    if (status === 409 || status === 404) return { ...r, state: "conflict", problem: conflictText(status, "meeting") };
    return { ...r, problem: problemText(status, body) };
  });
  if (status === 409 && body.existing && body.existing.id) {
    await store.continueMeeting(id, recordFromServer(body.existing, { owner: meeting.owner, ladName: meeting.label.lad_name }));
  }
}

// The held meeting the server has that `wanted` ({ward_codes, date, venue}) would repeat,
// or null when there is none or it cannot say (offline, logged out, slow): the phone
// then asks nothing, and a 409 continues the meeting when it is sent.
export async function sameOnServer(wanted) {
  if (navigator.onLine === false || !wanted.venue) return null;
  const query = new URLSearchParams({ ward_code: wanted.ward_codes[0], date: wanted.date, venue: wanted.venue });
  try {
    const { status, body } = await call("GET", `/api/v1/meetings/same?${query}`, null, null, LOOKUP_TIMEOUT_MS);
    return status === 200 && body.meeting ? body.meeting : null;
  } catch {
    return null;
  }
}

// The id is taken on the server: by another entry the officer may see (409), or by one
// they may not (404, as for an id they cannot read). Sending it again could never succeed.
function conflictText(status, kind) {
  return status === 409
    ? "Not sent: a different entry with this id is already stored."
    : `Not sent: the server already holds an entry with this id that you cannot see. This ${kind} needs attention.`;
}

// Only the server's own record of this very entry counts as stored.
function checkStored(status, body, id) {
  if ((status === 200 || status === 201) && body.id !== id) throw new Stop("network", "An unexpected answer from the server.");
}

async function tracked(id, fn) {
  state.inFlight.add(id);
  try { return await fn(); } finally { state.inFlight.delete(id); }
}

async function sendConcern(id, session) {
  const concern = await store.get("concerns", id);
  if (!concern) return;
  if (concern.change === "undo") return sendUndo(concern, session);
  if (concern.change === "correction") return sendCorrection(concern, session);
  if (concern.state === "waiting") {
    // Its meeting's id is taken on the server by another meeting: not to be linked to that one.
    const meeting = await store.get("meetings", concern.meeting_id);
    if (meeting && meeting.state === "conflict") return undefined;
    return sendNew(concern, session);
  }
  if (concern.state === "sent" && concern.change === "edit" && !concern.errors) return sendEdit(concern, session);
  return undefined; // rejected: waits for the officer to fix it
}

async function sendNew(concern, session) {
  const { id, rev } = concern;
  // Remember that it may have reached the server (an answer can be lost on the way back),
  // so an undo from now on asks the server to delete it rather than only forgetting it.
  if (!concern.tried) await store.update("concerns", id, (r) => (r ? { ...r, tried: true } : undefined));
  const payload = await concernPayload(concern);
  const { status, body } = await tracked(id, () => write("POST", "/api/v1/concerns", payload, session));
  checkStored(status, body, id);
  await store.update("concerns", id, (r) => {
    if (!r) return undefined;
    if (status === 200 || status === 201) {
      state.lastSentAt = now();
      // Contact details are the server's to keep now; the phone forgets them.
      const data = { ...r.data, contact_name: null, contact_details: null };
      const sent = {
        ...r, data, state: "sent", sent_at: now(), errors: null, problem: null,
        server: { ward_code: body.ward_code, ward_name: body.ward_name, needs_review: body.needs_review },
      };
      // Edited while on its way: the edit still has to follow.
      if (r.rev !== rev && !r.change) sent.change = "edit";
      return sent;
    }
    if (status === 422) return { ...r, state: "rejected", errors: body.fields || { body: body.error } };
    if (status === 409 || status === 404) {
      return { ...r, state: "conflict", errors: null, problem: conflictText(status, "concern"), conflict_fields: (body && body.fields) || null };
    }
    return { ...r, problem: problemText(status, body) };
  });
}

// For the "Send as a new concern" button of a concern whose id is taken on the server:
// the same concern under a fresh id, queued again (it never reached the server as
// itself, so there is nothing there to undo or edit).
export async function sendAsNew(id) {
  const record = await store.renumber("concerns", id, store.newId(), (r) => (r && r.state === "conflict" ? {
    ...r, state: "waiting", problem: null, errors: null, conflict_fields: null, tried: false, change: null,
    rev: r.rev + 1,
  } : undefined));
  soon();
  return record;
}

// A concern placed by its meeting names the meeting's ward itself when the meeting has
// not reached the server yet (rejected, or still queued): the server would otherwise
// store it unplaced, since it places such concerns only from a meeting it already has.
async function concernPayload(concern) {
  const payload = { id: concern.id, meeting_id: concern.meeting_id, ...concern.data };
  const placed = ["lon", "lat", "grid_ref", "ward_code"].some((k) => payload[k] != null && payload[k] !== "");
  if (!placed) {
    const meeting = await store.get("meetings", concern.meeting_id);
    if (meeting && meeting.state !== "sent") payload.ward_code = meeting.data.ward_codes[0];
  }
  return payload;
}

async function sendEdit(concern, session) {
  const { id, rev } = concern;
  const changes = Object.fromEntries(concernEditable().map((k) => [k, concern.data[k]]));
  const { status, body } = await tracked(id, () => write("PATCH", `/api/v1/concerns/${id}`, changes, session));
  await store.update("concerns", id, (r) => {
    if (!r) return undefined;
    if (status === 200) {
      state.lastSentAt = now();
      return r.rev === rev ? { ...r, change: null, errors: null, problem: null } : r;
    }
    if (status === 422) return { ...r, errors: body.fields || { body: body.error } };
    if (teamActed(status, body)) return { ...r, change: null, acted: true, problem: TEAM_ACTED };
    // 409 (too late, or someone else's) or 404: the server keeps its copy; say so.
    return { ...r, change: null, problem: `Your change was not sent: ${(body && body.error) || status}` };
  });
}

// The team has acted on the concern: the server keeps it (and what the team did) and
// takes a correction instead (POST body.correction_url).
const TEAM_ACTED = "The team has already acted: add a correction.";

function teamActed(status, body) {
  return status === 409 && Boolean(body && body.correction_url);
}

async function sendUndo(concern, session) {
  const { id } = concern;
  if (concern.state !== "sent" && !concern.tried) return store.remove("concerns", id);
  const { status, body } = await tracked(id, () => write("DELETE", `/api/v1/concerns/${id}`, null, session));
  if (status === 204 || status === 404) return store.remove("concerns", id);
  if (teamActed(status, body)) {
    return store.update("concerns", id, (r) => (r ? { ...r, change: null, state: "sent", acted: true, problem: TEAM_ACTED }
      : undefined));
  }
  return store.update("concerns", id, (r) => (r ? {
    ...r, change: null, state: "sent", problem: `Not undone: ${(body && body.error) || status}`,
  } : undefined));
}

// For "Add a correction" to a concern the team has acted on: kept on the phone and sent
// with the queue, like every entry.
export async function correct(id, text) {
  const result = await store.update("concerns", id, (r) => (r && r.state === "sent"
    ? { ...r, change: "correction", correction: text, problem: null } : undefined));
  soon();
  return result;
}

async function sendCorrection(concern, session) {
  const { id } = concern;
  const { status, body } = await tracked(id, () => write("POST", `/api/v1/concerns/${id}/corrections`, { text: concern.correction }, session));
  await store.update("concerns", id, (r) => {
    if (!r || r.change !== "correction") return undefined;
    if (status === 201) {
      state.lastSentAt = now();
      return { ...r, change: null, correction: null, corrected_at: now(), problem: null };
    }
    // Refused (the text, or not theirs): given up, its text kept for the officer to send again.
    const why = (body && ((body.fields && body.fields.text) || body.error)) || status;
    return { ...r, change: null, problem: `Your correction was not sent: ${why}` };
  });
}

// For the undo button: a concern that never left the phone is simply forgotten; one
// that may have reached the server is deleted there by the next batch.
export async function undo(id) {
  const result = await store.update("concerns", id, (r) => {
    if (!r) return undefined;
    if (r.state !== "sent" && !r.tried && !state.inFlight.has(id)) return null;
    // Its id is another entry's on the server: this one never got there, and that one
    // is not the phone's to delete.
    if (r.state === "conflict") return null;
    return { ...r, change: "undo" };
  });
  soon();
  return result;
}

// A "reported back" mark (issue #21): sent as made, under its own id, so a resend is
// stored once and two phones' marks for one concern are both kept. 422 (the server
// refused a field) or 409/404 (its id is another mark's, or the concern is not the
// officer's to brief) keep it on the phone, not sent again, with the reason.
async function sendMark(id, session) {
  const mark = await store.get("marks", id);
  if (!mark || mark.state !== "waiting") return;
  const payload = markPayload(mark);
  const { status, body } = await tracked(id, () => write("POST", "/api/v1/report-backs", payload, session));
  checkStored(status, body, id);
  await store.update("marks", id, (r) => {
    if (!r) return undefined;
    if (status === 200 || status === 201) {
      state.lastSentAt = now();
      return { ...r, state: "sent", sent_at: now(), problem: null };
    }
    if (status === 422) return { ...r, state: "rejected", problem: `Not sent: ${Object.values(body.fields || {}).join(" ") || body.error}` };
    if (status === 409 || status === 404) return { ...r, state: "conflict", problem: `Not sent: ${body.error || status}` };
    return { ...r, problem: problemText(status, body) };
  });
}

// The body of POST /api/v1/report-backs: what the officer tapped, nothing of the phone's own.
export function markPayload(mark) {
  const body = { id: mark.id, concern_id: mark.concern_id, view: mark.view, note: mark.note || "", marked_at: mark.marked_at };
  if (mark.meeting_id) body.meeting_id = mark.meeting_id;
  return body;
}
