// What the brief shows of "reported back" marks (issue #21), as plain functions: the
// marks of an item (the server's, then this phone's not yet in the server's copy), how
// residents judged it (its latest mark), and the count line of a brief. No DOM, no
// IndexedDB: tested in tests/js/reportback.test.js.

const ORDER = ["satisfied", "partly", "not_satisfied"];
const WORDS = { satisfied: "satisfied", partly: "partly satisfied", not_satisfied: "not satisfied" };

// The item's marks in the order made: those the brief came with (the server's, with
// `marked_on` days) and those made on this phone since (with `marked_at` moments). A
// phone mark the server already had when the brief was fetched is shown once.
export function marksOf(item, phoneMarks, fetchedAt) {
  const server = (item.marks || []).map((m) => ({ ...m, from: "server", at: m.marked_on }));
  const mine = phoneMarks
    .filter((m) => m.concern_id === item.id)
    .filter((m) => !(fetchedAt && m.state === "sent" && (m.sent_at || "") < fetchedAt))
    .map((m) => ({ ...m, from: "phone", at: m.marked_at }));
  return server.concat(mine.sort((a, b) => (a.at || "").localeCompare(b.at || "")));
}

// How residents judged it last, or null when it has not been reported back.
export function latestView(marks) {
  return marks.length ? marks[marks.length - 1].view : null;
}

// "3 concerns reported back: 2 satisfied, 1 not satisfied", each concern by its latest mark.
export function countLine(views) {
  const judged = views.filter(Boolean);
  if (!judged.length) return "No concern reported back yet.";
  const parts = ORDER.map((v) => [judged.filter((x) => x === v).length, WORDS[v]]).filter(([n]) => n);
  const n = judged.length;
  return `${n} concern${n === 1 ? "" : "s"} reported back: ${parts.map(([k, w]) => `${k} ${w}`).join(", ")}`;
}
