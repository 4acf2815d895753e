// When two meetings are one: the server's rule (engage/concerns/capture.py
// held_meeting_like), asked on the phone before a second is started, and a meeting the
// server holds made into a record of this phone's, so the officer can continue it.

// "Central  library" is "central library", as the server compares venues.
export function venueKey(venue) {
  return String(venue || "").trim().split(/\s+/).join(" ").toLowerCase();
}

// Both held, on the same day, sharing a ward, at the same named venue. A meeting with
// no venue is like no other: nothing shows it is the same one.
export function sameMeeting(a, b) {
  if (!a || !b) return false;
  if ((a.status || "held") !== "held" || (b.status || "held") !== "held") return false;
  if (a.date !== b.date || !venueKey(a.venue) || venueKey(a.venue) !== venueKey(b.venue)) return false;
  const wards = new Set((a.ward_codes || []).map((c) => c.toUpperCase()));
  return (b.ward_codes || []).some((c) => wards.has(c.toUpperCase()));
}

// The first of `records` (this phone's, {data}) or of the server's meetings that is
// `wanted` again; `except` is the id of the meeting being fixed, never its own twin.
export function findSame(wanted, { records = [], server = [], except = null } = {}) {
  const mine = records.find((r) => r.id !== except && sameMeeting(r.data, wanted));
  if (mine) return { record: mine };
  const theirs = server.find((m) => m.id !== except && sameMeeting(m, wanted));
  return theirs ? { server: theirs } : null;
}

// A meeting as the server names it (GET .../same, or a 409's `existing`), as this phone keeps it:
// already sent, so nothing of it is sent again; its concerns are sent with its id.
export function recordFromServer(meeting, { owner = null, ladName = "" } = {}) {
  const now = new Date().toISOString();
  return {
    id: meeting.id, owner, rev: 1, state: "sent", errors: null, problem: null, saved_at: now, sent_at: now,
    data: {
      kind: meeting.kind || "your_force_your_voice", ward_codes: meeting.ward_codes, date: meeting.date,
      start_time: meeting.start_time || null, venue: meeting.venue, attendance: meeting.attendance ?? null,
      status: meeting.status || "held",
      team_codes: meeting.team_codes || [], police_partners: meeting.police_partners || "",
      pcc_attended: Boolean(meeting.pcc_attended), notes: meeting.notes || "",
    },
    label: { ward_name: (meeting.ward_names && meeting.ward_names[0]) || meeting.ward_codes[0], lad_name: ladName },
  };
}
