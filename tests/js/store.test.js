// static/js/capture/store.js over an in-memory IndexedDB: what the officer saves is
// there to read back once put() resolves, and nothing leaves the queue unless sent.
import { clearPhone, concern, meeting } from "./browser.js";

import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";

import * as store from "../../static/js/capture/store.js";

let changes = 0;
store.onChange(() => { changes += 1; });

beforeEach(async () => {
  await clearPhone();
  changes = 0;
});

test("put keeps a record that can be read back, and tells listeners", async () => {
  const record = meeting("m1");
  assert.equal(await store.put("meetings", record), record);
  assert.deepEqual(await store.get("meetings", "m1"), record);
  assert.equal(changes, 1);
});

test("update changes a record, deletes it on null and leaves it on undefined", async () => {
  await store.put("concerns", concern("c1", "m1"));
  changes = 0;

  const edited = await store.update("concerns", "c1", (r) => ({ ...r, rev: r.rev + 1, data: { ...r.data, description: "edited" } }));
  assert.equal(edited.rev, 2);
  assert.equal((await store.get("concerns", "c1")).data.description, "edited");

  assert.equal(await store.update("concerns", "c1", () => undefined), undefined);
  assert.equal((await store.get("concerns", "c1")).data.description, "edited");
  assert.equal(changes, 1, "leaving a record alone is not a change");

  let seen = "not called";
  await store.update("concerns", "missing", (r) => { seen = r; return undefined; });
  assert.equal(seen, undefined, "fn is given undefined for a record that is not there");

  assert.equal(await store.update("concerns", "c1", () => null), null);
  assert.equal(await store.get("concerns", "c1"), undefined);
  assert.equal(changes, 2);
});

test("remove deletes one record and no other", async () => {
  await store.put("concerns", concern("c1", "m1"));
  await store.put("concerns", concern("c2", "m1"));
  await store.remove("concerns", "c1");
  assert.equal(await store.get("concerns", "c1"), undefined);
  assert.equal((await store.get("concerns", "c2")).id, "c2");
});

test("the queue holds what the server has not accepted, oldest first, meetings apart", async () => {
  await store.put("meetings", meeting("m1"));
  await store.put("concerns", concern("c2", "m1"));
  await store.put("concerns", concern("c1", "m1", { saved_at: "2026-05-14T18:00:00.000Z" })); // saved earlier
  await store.put("concerns", concern("sent", "m1", { state: "sent" }));
  await store.put("concerns", concern("edit", "m1", { state: "sent", change: "edit" }));
  await store.put("concerns", concern("bad", "m1", { state: "rejected", errors: { category: "unknown" } }));

  const queue = await store.queue();
  assert.deepEqual(queue.meetings.map((r) => r.id), ["m1"]);
  assert.deepEqual(queue.concerns.map((r) => r.id), ["c1", "c2", "edit", "bad"]);

  const counts = await store.counts();
  assert.equal(counts.total, 5);
  assert.equal(counts.rejected, 1, "the rejected concern waits for the officer, not the network");
  assert.deepEqual((await store.concernsFor("m1")).map((r) => r.id).sort(), ["bad", "c1", "c2", "edit", "sent"]);
});

test("prune forgets only old sent records; an unsent one and its meeting stay however old", async () => {
  const old = "2020-01-01T00:00:00.000Z";
  await store.put("meetings", meeting("old-sent", { state: "sent", sent_at: old }));
  await store.put("meetings", meeting("old-busy", { state: "sent", sent_at: old }));
  await store.put("meetings", meeting("old-waiting", { saved_at: old }));
  await store.put("concerns", concern("old-sent-c", "old-sent", { state: "sent", sent_at: old }));
  await store.put("concerns", concern("old-waiting-c", "old-busy", { saved_at: old }));
  await store.put("concerns", concern("old-edit", "old-busy", { state: "sent", sent_at: old, change: "edit" }));
  await store.put("concerns", concern("new-sent", "old-busy", { state: "sent", sent_at: new Date().toISOString() }));

  await store.prune();

  assert.deepEqual((await store.meetings()).map((r) => r.id).sort(), ["old-busy", "old-waiting"]);
  assert.deepEqual((await store.concernsFor("old-busy")).map((r) => r.id).sort(), ["new-sent", "old-edit", "old-waiting-c"]);
  assert.equal(await store.get("concerns", "old-sent-c"), undefined);
});
