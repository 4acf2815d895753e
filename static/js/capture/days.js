// Days as the phone's own calendar has them, not UTC's: a meeting at 00:30 is today's.

export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

// "2026-11-25" -> "Wed 25 Nov".
export function dayText(iso) {
  const [y, m, d] = (iso || "").split("-").map(Number);
  if (!y) return iso;
  return new Date(y, m - 1, d).toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
}
