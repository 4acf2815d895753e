// "Reported back" marks on the phone (issue #21): what the brief shows of them
// (static/js/capture/reportback.js), and how sync.js sends them. Two marks for one
// concern are two records, both sent and both kept; a refusal keeps the mark on the
// phone with its reason, never sent again under that id.
import { clearPhone } from "./browser.js";

import assert from "node:assert/strict";
import { after, before, beforeEach, mock, test } from "node:test";

import { countLine, latestView, marksOf } from "../../static/js/capture/reportback.js";
import * as store from "../../static/js/capture/store.js";
import * as sync from "../../static/js/capture/sync.js";

function json(status, body) {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

let requests = [];
let answer = (body) => json(201, { id: body.id });
globalThis.fetch = async (url, init = {}) => {
  if (url === "/api/v1/session") return json(200, { email: "officer@example.org", roles: ["officer"], csrf_token: "t" });
  const body = init.body ? JSON.parse(init.body) : null;
  requests.push({ method: init.method || "GET", url, body });
  return answer(body);
};

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

function mark(id, view, at, extra = {}) {
  return {
    id, concern_id: "c1", meeting_id: "m1", view, note: "", marked_at: at, saved_at: at, state: "waiting",
    owner: null, ...extra,
  };
}

beforeEach(async () => {
  await clearPhone();
  requests = [];
  answer = (body) => json(201, { id: body.id });
});

test("two marks for one concern are two records: both sent, in the order made", async () => {
  await store.put("marks", mark("k2", "partly", "2026-05-14T19:40:00.000Z"));
  await store.put("marks", mark("k1", "satisfied", "2026-05-14T19:05:00.000Z"));
  assert.equal((await store.counts()).marks, 2);
  await batch();
  assert.deepEqual(requests.map((r) => [r.url, r.body.id]), [
    ["/api/v1/report-backs", "k1"], ["/api/v1/report-backs", "k2"],
  ]);
  assert.deepEqual(Object.keys(requests[0].body).sort(), ["concern_id", "id", "marked_at", "meeting_id", "note", "view"]);
  const kept = await store.marksFor(["c1"]);
  assert.deepEqual(kept.map((m) => [m.id, m.state]), [["k1", "sent"], ["k2", "sent"]]);
  assert.equal((await store.counts()).total, 0);
});

test("a refused mark stays on the phone with the reason, and is not sent again", async () => {
  answer = () => json(422, { error: "invalid mark: nothing was stored", fields: { marked_at: "is in the future" } });
  await store.put("marks", mark("k1", "not_satisfied", "2026-05-14T19:05:00.000Z"));
  await batch();
  await batch();
  assert.equal(requests.length, 1);
  const kept = await store.get("marks", "k1");
  assert.equal(kept.state, "rejected");
  assert.match(kept.problem, /in the future/);
});

test("no signal: the mark waits, and goes when there is", async () => {
  answer = () => { throw new TypeError("Failed to fetch"); };
  await store.put("marks", mark("k1", "satisfied", "2026-05-14T19:05:00.000Z"));
  await batch();
  assert.equal((await store.get("marks", "k1")).state, "waiting");
  answer = (body) => json(201, { id: body.id });
  await batch();
  assert.equal((await store.get("marks", "k1")).state, "sent");
});

test("an item's marks: the server's first, then this phone's not yet in the brief, latest judges", () => {
  const item = { id: "c1", marks: [{ view: "partly", marked_on: "2026-05-01", note: "" }] };
  const phone = [
    mark("k2", "not_satisfied", "2026-05-14T19:40:00.000Z"),
    mark("old", "satisfied", "2026-05-14T18:00:00.000Z", { state: "sent", sent_at: "2026-05-14T18:01:00.000Z" }),
    mark("k1", "satisfied", "2026-05-14T19:05:00.000Z", { state: "sent", sent_at: "2026-05-14T19:06:00.000Z" }),
    { ...mark("x", "satisfied", "2026-05-14T19:00:00.000Z"), concern_id: "c2" },
  ];
  // The brief was fetched at 18:30: "old" is in the server's copy already.
  const marks = marksOf(item, phone, "2026-05-14T18:30:00.000Z");
  assert.deepEqual(marks.map((m) => [m.from, m.view]), [["server", "partly"], ["phone", "satisfied"], ["phone", "not_satisfied"]]);
  assert.equal(latestView(marks), "not_satisfied");
  assert.equal(latestView([]), null);
});

test("the count line counts each concern once, by its latest view", () => {
  assert.equal(countLine([null, null]), "No concern reported back yet.");
  assert.equal(countLine(["satisfied", "not_satisfied", "satisfied", null]), "3 concerns reported back: 2 satisfied, 1 not satisfied");
  assert.equal(countLine(["partly"]), "1 concern reported back: 1 partly satisfied");
});

test("pruning forgets sent marks and past briefs after a fortnight, never a mark still to send", async () => {
  const old = "2020-01-01T19:00:00.000Z";
  await store.put("marks", mark("gone", "satisfied", old, { state: "sent", sent_at: old }));
  await store.put("marks", mark("kept", "satisfied", old));
  await store.put("briefs", { meeting: { id: "m-old", date: "2020-01-02" }, briefs: [] });
  await store.put("briefs", { meeting: { id: "m-new", date: "2999-01-01" }, briefs: [] });
  await store.prune();
  assert.deepEqual((await store.marksFor(["c1"])).map((m) => m.id), ["kept"]);
  assert.deepEqual((await store.briefs()).map((b) => b.meeting.id), ["m-new"]);
});
