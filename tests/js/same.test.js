// static/js/capture/same.js: when a meeting being started is one already on the phone or
// the server (the server's rule, engage/concerns/capture.py held_meeting_like), and
// static/js/capture/logout.js: what Log out does with entries waiting or no signal.
import "./browser.js";

import assert from "node:assert/strict";
import { test } from "node:test";

import { logoutGuard } from "../../static/js/capture/logout.js";
import { findSame, recordFromServer, sameMeeting, venueKey } from "../../static/js/capture/same.js";

const held = { ward_codes: ["E05009857"], date: "2026-05-14", venue: "Central Library", status: "held" };

test("a venue is compared ignoring case and spacing", () => {
  assert.equal(venueKey("  Central   LIBRARY "), "central library");
  assert.ok(sameMeeting(held, { ...held, venue: "central  library", ward_codes: ["e05009857"] }));
});

test("another day, ward or venue, a planned meeting or no venue at all is another meeting", () => {
  assert.ok(!sameMeeting(held, { ...held, date: "2026-05-15" }));
  assert.ok(!sameMeeting(held, { ...held, ward_codes: ["E05009866"] }));
  assert.ok(!sameMeeting(held, { ...held, venue: "Town Hall" }));
  assert.ok(!sameMeeting(held, { ...held, status: "planned" }));
  assert.ok(!sameMeeting({ ...held, venue: "" }, { ...held, venue: "" }));
});

test("sharing one ward of several is the same meeting", () => {
  assert.ok(sameMeeting(held, { ...held, ward_codes: ["E05009866", "E05009857"] }));
});

test("the phone's own meeting is found before the server's, and a meeting is never its own twin", () => {
  const mine = { id: "m1", data: held };
  const theirs = { id: "s1", ...held };
  assert.deepEqual(findSame(held, { records: [mine], server: [theirs] }), { record: mine });
  assert.deepEqual(findSame(held, { records: [], server: [theirs] }), { server: theirs });
  assert.equal(findSame(held, { records: [mine], except: "m1" }), null);
  assert.equal(findSame({ ...held, venue: "Town Hall" }, { records: [mine], server: [theirs] }), null);
});

test("a meeting the server holds becomes a sent record of the phone's, with what it was sent with", () => {
  const record = recordFromServer(
    { id: "s1", ...held, ward_names: ["Central"], kind: "pact", attendance: 9, team_codes: ["INT-TEST"], pcc_attended: true },
    { owner: "officer@example.org", ladName: "Middlesbrough" },
  );
  assert.equal(record.id, "s1");
  assert.equal(record.state, "sent");
  assert.equal(record.owner, "officer@example.org");
  assert.deepEqual(record.label, { ward_name: "Central", lad_name: "Middlesbrough" });
  assert.deepEqual(record.data.team_codes, ["INT-TEST"]);
  assert.equal(record.data.venue, "Central Library");
});

test("Log out asks first when entries wait, and is off without signal", () => {
  assert.deepEqual(logoutGuard(0, true), { disabled: false, ask: null });
  assert.match(logoutGuard(1, true).ask, /^1 entry is waiting to send\. They stay on this phone/);
  assert.match(logoutGuard(3, true).ask, /^3 entries are waiting/);
  assert.equal(logoutGuard(0, false).disabled, true);
  assert.equal(logoutGuard(2, false).disabled, true);
});
