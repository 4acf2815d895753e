// static/js/capture/sync.js sending the phone's queue to a fake server (a fake fetch),
// over an in-memory IndexedDB. What must hold: an entry leaves the queue only once the
// server has confirmed it (or refused it for good, and the officer is told), and
// entries are sent, and sent again after a failure, in the order they were saved.
import { CONTRACT, clearPhone, concern, meeting } from "./browser.js";

import assert from "node:assert/strict";
import { after, before, beforeEach, mock, test } from "node:test";

import * as store from "../../static/js/capture/store.js";
import * as sync from "../../static/js/capture/sync.js";

// --- a fake server -----------------------------------------------------------

let requests = [];
let answer = null; // (method, url, body) -> Response, or throws as fetch does with no network

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

// The server as it is when all goes well: stores what it is sent and says so.
function accepting(method, url, body) {
  if (method === "POST") return json(201, { id: body.id, ward_code: "E05009857", ward_name: "Central", needs_review: false });
  if (method === "PATCH") return json(200, { id: url.split("/").pop() });
  if (method === "DELETE") return new Response(null, { status: 204 });
  throw new Error(`unexpected ${method} ${url}`);
}

globalThis.fetch = async (url, init = {}) => {
  const method = init.method || "GET";
  if (url === "/api/v1/session") return json(200, { email: "officer@example.org", roles: ["officer"], csrf_token: "t" });
  const body = init.body ? JSON.parse(init.body) : null;
  requests.push({ method, url, id: (body && body.id) || url.split("/").pop(), body });
  return answer(method, url, body);
};

const noNetwork = () => { throw new TypeError("Failed to fetch"); };

// One batch: what the page does after a save. sync.js schedules it with setTimeout;
// the clock is node's mock and never moves on, so the retries it schedules never fire
// on their own. (Mocked for the whole file: node 20's mock breaks when sync.js clears
// a timer it set under an earlier enable().)
before(() => mock.timers.enable({ apis: ["setTimeout"] }));
after(() => mock.timers.reset());
let finished = null;
sync.onState((state) => { if (!state.running && finished) { finished(); finished = null; } });

async function batch() {
  const done = new Promise((resolve) => { finished = resolve; });
  sync.soon();
  mock.timers.tick(0);
  await done;
}

const sent = (method = "POST") => requests.filter((r) => r.method === method).map((r) => r.id);
const queued = async () => {
  const queue = await store.queue();
  return [...queue.meetings, ...queue.concerns].map((r) => r.id);
};

beforeEach(async () => {
  await clearPhone();
  requests = [];
  answer = accepting;
});

// --- the answers -------------------------------------------------------------

test("201: the entries leave the queue, meeting first, and the phone forgets the contact details", async () => {
  await store.put("meetings", meeting("m1"));
  await store.put("concerns", concern("c1", "m1"));
  await store.put("concerns", concern("c2", "m1"));

  await batch();

  assert.deepEqual(sent(), ["m1", "c1", "c2"]);
  assert.deepEqual(await queued(), []);
  const c1 = await store.get("concerns", "c1");
  assert.equal(c1.state, "sent");
  assert.equal(c1.data.contact_name, null);
  assert.equal(c1.data.contact_details, null);
  assert.equal(c1.data.description, "concern c1", "a sent copy is kept for the officer to see");
  assert.equal(c1.server.ward_code, "E05009857");
});

test("200 (the server already had it: a resend after a lost answer) counts as stored", async () => {
  await store.put("concerns", concern("c1", "m1"));
  answer = (method, url, body) => json(200, { id: body.id, ward_code: "E05009857", ward_name: "Central" });

  await batch();

  assert.deepEqual(await queued(), []);
  assert.equal((await store.get("concerns", "c1")).state, "sent");
});

test("200 that is not the server's record of this entry (a Wi-Fi sign-in page, another id) keeps it", async () => {
  await store.put("concerns", concern("c1", "m1"));
  await store.put("concerns", concern("c2", "m1"));
  answer = (method, url, body) => (body.id === "c1"
    ? new Response("<html>Sign in to the hall's Wi-Fi</html>", { status: 200 })
    : json(200, { id: "someone-else" }));

  await batch();

  assert.deepEqual(await queued(), ["c1", "c2"]);
  assert.equal((await store.get("concerns", "c1")).state, "waiting");
  assert.match(sync.state.problem, /unexpected answer/);
});

test("409 to a new concern: kept on the phone as a conflict, never sent again under that id", async () => {
  await store.put("concerns", concern("c1", "m1"));
  answer = () => json(409, { error: "differs from the entry already stored with this id", fields: { description: "differs" } });

  await batch();

  const c1 = await store.get("concerns", "c1");
  assert.ok(c1, "the entry is kept");
  assert.equal(c1.state, "conflict");
  assert.deepEqual(c1.conflict_fields, { description: "differs" });
  const posts = sent("POST").length;
  await batch();
  assert.equal(sent("POST").length, posts, "not sent again under the same id");
});

test("an edit sends the fields the page's contract says may change, as edited, and nothing else", async () => {
  const edited = concern("c1", "m1", { state: "sent", change: "edit", tried: true });
  Object.assign(edited.data, { description: "now about parking", residents: 3, priority: "high", grid_ref: "NZ 4966 1942" });
  await store.put("concerns", edited);

  await batch();

  const [patch] = requests.filter((r) => r.method === "PATCH");
  assert.deepEqual(Object.keys(patch.body), CONTRACT.concernEditable);
  assert.equal(patch.body.description, "now about parking");
  assert.equal(patch.body.residents, 3);
  assert.ok(!("grid_ref" in patch.body) && !("contact_name" in patch.body), "where and who are fixed once sent");
  assert.equal((await store.get("concerns", "c1")).change, null, "the edit is done");
});

test("409 to an edit: the server keeps its copy, the edit is given up and the officer told", async () => {
  await store.put("concerns", concern("c1", "m1", { state: "sent", change: "edit", tried: true }));
  answer = () => json(409, { error: "too late to change" });

  await batch();

  assert.deepEqual(sent("PATCH"), ["c1"]);
  assert.deepEqual(await queued(), []);
  const c1 = await store.get("concerns", "c1");
  assert.equal(c1.state, "sent");
  assert.match(c1.problem, /Your change was not sent: too late to change/);
});

test("422: the entry stays, marked with the server's field errors, and is not sent again until fixed", async () => {
  await store.put("concerns", concern("c1", "m1"));
  answer = () => json(422, { error: "invalid", fields: { category: "unknown category" } });

  await batch();
  await batch();

  assert.deepEqual(sent(), ["c1"], "sent once: sending it again unchanged would be refused again");
  assert.deepEqual(await queued(), ["c1"]);
  const c1 = await store.get("concerns", "c1");
  assert.equal(c1.state, "rejected");
  assert.deepEqual(c1.errors, { category: "unknown category" });
  assert.equal((await store.counts()).rejected, 1);
});

test("no network: nothing leaves the queue, and a retry is scheduled with backoff", async () => {
  await store.put("meetings", meeting("m1"));
  await store.put("concerns", concern("c1", "m1"));
  answer = noNetwork;

  await batch();

  assert.deepEqual(await queued(), ["m1", "c1"]);
  assert.equal((await store.get("meetings", "m1")).state, "waiting");
  assert.equal(sync.state.problem, "No connection to the server.");
  assert.ok(sync.state.nextTryAt > Date.now(), "a retry is due later");
  assert.deepEqual(sent(), ["m1"], "the concerns wait for their meeting's batch to get through");
});

test("500: as no network, the entry stays for a retry", async () => {
  await store.put("concerns", concern("c1", "m1"));
  answer = () => json(503, { error: "database unreachable" });

  await batch();

  assert.deepEqual(await queued(), ["c1"]);
  assert.match(sync.state.problem, /503/);
});

test("401: everything stops until the officer logs in; nothing is dropped", async () => {
  await store.put("meetings", meeting("m1"));
  await store.put("concerns", concern("c1", "m1"));
  await store.put("concerns", concern("c2", "m1"));
  answer = () => json(401, { error: "log in" });

  await batch();

  assert.equal(sync.state.loginNeeded, true);
  assert.deepEqual(sent(), ["m1"], "no concern is sent after the 401");
  assert.deepEqual(await queued(), ["m1", "c1", "c2"]);

  answer = accepting; // logged in again
  await batch();
  assert.equal(sync.state.loginNeeded, false);
  assert.deepEqual(await queued(), []);
});

test("retries keep the order the entries were saved in", async () => {
  const ids = ["c1", "c2", "c3", "c4", "c5", "c6", "c7"];
  await store.put("meetings", meeting("m1"));
  for (const id of ids) await store.put("concerns", concern(id, "m1"));
  // The meeting gets through; then the signal goes after the first concern.
  answer = (method, url, body) => (body.id === "m1" || body.id === "c1" ? accepting(method, url, body) : noNetwork());

  await batch();

  assert.deepEqual(await queued(), ids.slice(1));
  const firstTry = sent();
  assert.deepEqual(firstTry, ["m1", ...ids.slice(0, firstTry.length - 1)], "started in order, and stopped soon after the failure");
  assert.ok(firstTry.length < ids.length + 1, "the batch stops instead of trying every entry");

  requests = [];
  answer = accepting;
  await batch();

  assert.deepEqual(sent(), ids.slice(1));
  assert.deepEqual(await queued(), []);
});

// --- undo -------------------------------------------------------------------

test("undo of a concern the server has is removed from the phone only on the server's 204", async () => {
  await store.put("concerns", concern("c1", "m1", { state: "sent", tried: true }));
  await sync.undo("c1");
  answer = noNetwork;

  await batch();

  assert.deepEqual(await queued(), ["c1"]);
  assert.equal((await store.get("concerns", "c1")).change, "undo");

  answer = accepting;
  await batch();

  assert.deepEqual(sent("DELETE"), ["c1", "c1"]);
  assert.equal(await store.get("concerns", "c1"), undefined);
});

test("undo refused by the server (409): the phone keeps the concern the server still has, and says so", async () => {
  await store.put("concerns", concern("c1", "m1", { state: "sent", tried: true }));
  await sync.undo("c1");
  answer = () => json(409, { error: "too late to undo" });

  await batch();

  const c1 = await store.get("concerns", "c1");
  assert.equal(c1.state, "sent");
  assert.equal(c1.change, null);
  assert.match(c1.problem, /Not undone: too late to undo/);
});

test("undo of a concern that never left the phone forgets it without asking the server", async () => {
  await store.put("concerns", concern("c1", "m1"));
  await sync.undo("c1");
  await batch();
  assert.equal(await store.get("concerns", "c1"), undefined);
  assert.deepEqual(requests, []);
});

test("undo refused because the team acted: kept, marked acted, and a correction goes to correction_url", async () => {
  await store.put("concerns", concern("c1", "m1", { state: "sent", tried: true }));
  await sync.undo("c1");
  answer = () => json(409, { error: "The team has already acted", correction_url: "/api/v1/concerns/c1/corrections" });
  await batch();
  const kept = await store.get("concerns", "c1");
  assert.equal(kept.acted, true);
  assert.equal(kept.change, null);

  answer = (method, url) => (method === "POST" ? json(201, { id: 7, text: "x" }) : accepting(method, url));
  await sync.correct("c1", "It was Acklam Road, not Linthorpe Road");
  assert.deepEqual(await queued(), ["c1"]); // waits with the queue, like any entry
  await batch();

  const post = requests.find((r) => r.url === "/api/v1/concerns/c1/corrections");
  assert.deepEqual(post.body, { text: "It was Acklam Road, not Linthorpe Road" });
  const after = await store.get("concerns", "c1");
  assert.equal(after.change, null);
  assert.ok(after.corrected_at);
  assert.deepEqual(await queued(), []);
});

// --- the same meeting started twice -------------------------------------------------

test("409 naming an existing meeting: the phone continues it, and its concerns are sent there", async () => {
  await store.put("meetings", meeting("m1"));
  await store.setMeta("current-meeting", "m1");
  await store.put("concerns", concern("c1", "m1"));
  const existing = {
    id: "m-server", kind: "your_force_your_voice", ward_codes: ["E05009857"], ward_names: ["Central"],
    date: "2026-05-14", start_time: "18:30", venue: "Central Library", attendance: 30, status: "held",
    team_codes: [], police_partners: "", pcc_attended: false, notes: "",
  };
  answer = (method, url, body) => (url === "/api/v1/meetings"
    ? json(409, { error: "a meeting held in Central ... is already stored", existing })
    : accepting(method, url, body));

  await batch();

  assert.equal(await store.get("meetings", "m1"), undefined);
  const continued = await store.get("meetings", "m-server");
  assert.equal(continued.state, "sent");
  assert.equal(continued.continued_from, "m1");
  assert.equal(await store.getMeta("current-meeting"), "m-server");
  const c1 = requests.find((r) => r.method === "POST" && r.id === "c1");
  assert.equal(c1.body.meeting_id, "m-server");
  assert.equal(c1.body.ward_code, undefined); // placed by the server's meeting, which it has
  assert.deepEqual(await queued(), []);
});

test("a resend answered 200 for the same meeting id is stored, not continued elsewhere", async () => {
  await store.put("meetings", meeting("m1"));
  answer = (method, url, body) => json(200, { id: body.id });
  await batch();
  assert.equal((await store.get("meetings", "m1")).state, "sent");
});
