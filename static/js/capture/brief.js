// The ward brief on the phone (issue #21): the officer's planned meetings, and for each
// the brief of its ward, downloaded when the meeting is opened and kept in IndexedDB, so
// it reads the same with no signal in the hall. Each item has three one-tap buttons
// (Satisfied, Partly, Not satisfied) and an optional note: a tap is kept on the phone at
// once as a mark of its own and sent with the queue (sync.js), never overwriting another.

import { pageContract } from "./contract.js";
import { countLine, latestView, marksOf } from "./reportback.js";
import * as store from "./store.js";
import { soon } from "./sync.js";
import { today, dayText } from "./days.js";

const $ = (id) => document.getElementById(id);
const FETCH_TIMEOUT_MS = 8000;
const BRIEF_RETRY_MS = 3000;
const BUTTONS = [["satisfied", "Satisfied"], ["partly", "Partly"], ["not_satisfied", "Not satisfied"]];

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

async function getJSON(url) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
  try {
    const response = await fetch(url, {
      headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store", signal: controller.signal,
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.includes("json")) return null;
    return await response.json();
  } catch {
    return null; // no signal, or too slow: the phone's copy is used
  } finally {
    clearTimeout(timer);
  }
}

function markState(m) {
  if (m.from === "server") return "recorded";
  if (m.state === "sent") return "sent";
  if (m.state === "waiting") return "waiting to send";
  return m.problem || "not sent";
}

// What the teams agreed to do about the ward's concerns, and whether they did.
function actionsSection(actions, more) {
  const heading = el("h3", { text: "Actions agreed" });
  if (!actions.length) return [heading, el("p", { class: "muted", text: "No actions agreed on this ward's concerns." })];
  return [heading, el("ul", { class: "cap-brief-actions" }, ...actions.map((a) => el("li", {},
    el("strong", { text: a.title }),
    ` · ${a.owner} · ${a.status}${a.due_date ? ` · due ${dayText(a.due_date)}` : ""}`,
    a.overdue ? el("strong", { class: "cap-flag", text: " OVERDUE" }) : null))),
  more ? el("p", { class: "muted", text: `… and ${more} more, on the printed brief.` }) : null];
}

// What residents here raise most, against the authority and Cleveland (the last 12 months).
function themesSection(t) {
  if (!t) return [];
  const heading = el("h3", { text: `Themes, ${dayText(t.start)} to ${dayText(t.end)}` });
  if (!t.rows.length) return [heading, el("p", { class: "muted", text: "No concerns raised here in the last 12 months." })];
  return [heading, el("ul", { class: "cap-brief-themes" }, ...t.rows.map((r) => el("li", {
    text: `${r.label}: ${r.ward} (${r.ward_share}; authority ${r.authority_share}, Cleveland ${r.cleveland_share})`,
  })))];
}

// The "You said, we did" residents last read, to say what has changed since.
function updateSection(u) {
  const heading = el("h3", { text: "You said, we did (last published)" });
  if (!u) return [heading, el("p", { class: "muted", text: "None published for this ward yet." })];
  return [heading, el("p", { class: "cap-sub", text: `${dayText(u.period_start)} to ${dayText(u.period_end)}` }),
    u.intro ? el("p", { text: u.intro }) : null,
    el("ul", { class: "cap-brief-update" }, ...u.items.map((i) => el("li", {},
      el("strong", { text: `${i.label}: ` }), i.you_said ? `You said: ${i.you_said} ` : "", i.we_did ? `We did: ${i.we_did}` : "")))];
}

// The two other voices beside the meetings': the wider public's priorities, and what police recorded.
function contextSection(w) {
  return [el("h3", { text: "What residents told the consultation" }),
    el("p", { class: w.priorities ? "" : "muted", text: w.priorities || "No consultation has answers from this ward yet." }),
    el("h3", { text: "Recorded by police (police.uk)" }),
    el("p", { class: w.recorded ? "" : "muted", text: w.recorded || "No police.uk month is imported yet." })];
}

export class BriefView {
  constructor({ owner, onOpen, onClose, onStart }) {
    this.owner = owner;
    this.onOpen = onOpen;
    this.planned = [];
    this.brief = null; // the stored answer of GET /api/v1/meetings/<id>/brief
    this.noteMax = (pageContract().reportBack || { maxLength: {} }).maxLength.note || 10000;
    $("planned-list").addEventListener("click", (e) => {
      const button = e.target.closest("button[data-brief]");
      if (button) this.open(button.dataset.brief);
      const start = e.target.closest("button[data-start]");
      const plan = start && this.planned.find((m) => m.id === start.dataset.start);
      if (plan && onStart) onStart(plan);
    });
    $("brief-close").addEventListener("click", () => { this.brief = null; onClose(); });
    $("brief-body").addEventListener("click", (e) => {
      const button = e.target.closest("button[data-view]");
      if (button) this.mark(button.dataset.concern, button.dataset.view);
    });
  }

  // The planned meetings from today: the server's list when there is signal (kept for
  // later), else the last one kept; a brief already on the phone says so.
  async showPlanned() {
    const fresh = navigator.onLine === false ? null : await getJSON(`/api/v1/meetings?status=planned&from=${today()}`);
    if (fresh && Array.isArray(fresh.meetings)) await store.setMeta("planned-meetings", fresh.meetings);
    const kept = fresh ? fresh.meetings : (await store.getMeta("planned-meetings")) || [];
    const stored = new Set((await store.briefs()).map((b) => b.meeting.id));
    // A ward's meetings only: the office's partnership meetings have no ward to brief.
    const planned = kept.filter((m) => m.date >= today() && m.ward_codes.length);
    this.planned = planned;
    const list = $("planned-list");
    list.replaceChildren(...planned.map((m) => {
      const where = [m.ward_names.join(", "), m.venue].filter(Boolean).join(" · ");
      const label = `${dayText(m.date)}${m.start_time ? ` ${m.start_time}` : ""}`;
      return el("li", { class: "cap-planned" },
        el("span", { class: "cap-planned-text" }, el("strong", { text: label }), ` ${where}`,
          stored.has(m.id) ? el("span", { class: "cap-sub", text: " · brief on this phone" }) : null),
        el("button", {
          type: "button", class: "button", "data-brief": m.id, text: "Brief",
          "aria-label": `Open the brief for ${m.ward_names.join(", ")}, ${label}`,
        }),
        m.date === today() ? el("button", {
          type: "button", class: "button", "data-start": m.id, text: "Start",
          "aria-label": `Start the meeting in ${m.ward_names.join(", ")}, ${label}`,
        }) : null);
    }));
    $("planned-none").hidden = Boolean(planned.length);
  }

  // Kept on the phone without showing it: a meeting started in a ward brings the brief
  // of the ward's planned meeting (that day's, else the next) if there is signal.
  // With no meeting planned there, the brief of the meeting just started, once the
  // server has it (the queue sends the meeting first): asked a few times, seconds apart.
  async fetchForWard(wardCode, day, startedId = null) {
    const planned = ((await store.getMeta("planned-meetings")) || []).filter((m) => m.ward_codes.includes(wardCode));
    const chosen = planned.find((m) => m.date === day) || planned[0];
    const id = chosen ? chosen.id : startedId;
    if (!id || (await store.get("briefs", id))) return;
    for (let attempt = 0; attempt < (chosen ? 1 : 6); attempt += 1) {
      if (attempt) await new Promise((resolve) => setTimeout(resolve, BRIEF_RETRY_MS));
      if (navigator.onLine === false) return;
      const fresh = await getJSON(`/api/v1/meetings/${encodeURIComponent(id)}/brief`);
      if (fresh && fresh.meeting) {
        await store.put("briefs", { ...fresh, fetched_at: new Date().toISOString() });
        return;
      }
    }
  }

  // Downloads the brief with the meeting (kept for offline), or reads the kept copy.
  async open(meetingId) {
    this.onOpen();
    const kept = await store.get("briefs", meetingId);
    this.brief = kept || null;
    $("brief-status").textContent = kept ? "Checking for a newer brief…" : "Downloading the brief…";
    await this.render();
    $("brief-title").focus();
    const fresh = navigator.onLine === false ? null : await getJSON(`/api/v1/meetings/${encodeURIComponent(meetingId)}/brief`);
    if (fresh && fresh.meeting) {
      this.brief = { ...fresh, fetched_at: new Date().toISOString() };
      await store.put("briefs", this.brief);
      $("brief-status").textContent = "Brief downloaded: it stays on this phone for reading without signal.";
    } else if (kept) {
      $("brief-status").textContent = `No signal: this is the brief downloaded ${new Date(kept.fetched_at).toLocaleString()}.`;
    } else {
      $("brief-status").textContent = "This brief is not on this phone yet: open it once with signal.";
    }
    await this.render();
  }

  // A tap: kept at once as a mark of its own (a second tap is a second mark), then sent.
  async mark(concernId, view) {
    if (!this.brief) return;
    const note = $(`note-${concernId}`);
    const at = new Date().toISOString();
    await store.put("marks", {
      id: store.newId(), concern_id: concernId, meeting_id: this.brief.meeting.id, view,
      note: note ? note.value.trim().slice(0, this.noteMax) : "", marked_at: at, saved_at: at,
      state: "waiting", owner: this.owner(),
    });
    if (note) note.value = "";
    const label = BUTTONS.find(([v]) => v === view)[1];
    $("brief-status").textContent = `Marked ${label}: kept on this phone${navigator.onLine === false ? ", sent when there is signal" : ""}.`;
    soon();
    await this.renderMarks(); // not the whole brief: a note typed on another item stays
  }

  async refresh() {
    if (this.brief && !$("brief-screen").hidden) await this.renderMarks();
  }

  async render() {
    const body = $("brief-body");
    const b = this.brief;
    if (!b) {
      $("brief-ward").textContent = "Brief";
      $("brief-summary").textContent = "";
      body.replaceChildren();
      return;
    }
    // Notes being typed survive a redraw (the fresh copy arriving after the kept one).
    const typed = new Map([...body.querySelectorAll("textarea")].map((t) => [t.id, t.value]));
    const m = b.meeting;
    $("brief-ward").textContent = m.ward_names.join(", ");
    $("brief-summary").textContent = [dayText(m.date), m.venue, m.is_demo ? "DEMO DATA" : ""].filter(Boolean).join(" · ");
    body.replaceChildren(...b.briefs.map((w) => this.wardSection(w)));
    if (!b.briefs.length) body.append(el("p", { class: "muted", text: "No ward of this meeting is in your area." }));
    for (const [id, value] of typed) if (value && $(id)) $(id).value = value;
    await this.renderMarks();
  }

  wardSection(w) {
    const held = w.meetings_shown
      ? (w.held.length
        ? el("ul", { class: "cap-brief-meetings" }, ...w.held.map((h) => el("li", {
          text: `${dayText(h.date)} · ${h.kind}${h.venue ? ` · ${h.venue}` : ""} · ${h.attendance == null ? "attendance not recorded" : `${h.attendance} residents`}`,
        })))
        : el("p", { class: "muted", text: "No meetings have been recorded in this ward." }))
      : el("p", { class: "muted", text: "Meetings are not shown to partner agencies." });
    const since = w.items.filter((i) => i.section === "since");
    const earlier = w.items.filter((i) => i.section === "earlier_open");
    const open = `${w.open_total} open in the ward${w.overdue_total ? `, ${w.overdue_total} overdue` : ""}.`;
    return el("section", { class: "cap-brief-ward", "aria-labelledby": `brief-ward-${w.ward_code}` },
      el("h2", { id: `brief-ward-${w.ward_code}`, text: w.ward_name }),
      el("p", { class: "cap-sub", text: [w.authority, w.designation && `Designation: ${w.designation}`].filter(Boolean).join(" · ") }),
      w.whole ? null : el("p", { class: "muted", text: "Only the concerns you may see are listed here." }),
      el("p", { class: "cap-brief-count", "data-ward": w.ward_code, "aria-live": "polite" }),
      el("h3", { text: "Last meetings here" }), held,
      el("h3", { text: `Raised ${w.since_phrase}` }),
      since.length ? el("ol", { class: "cap-brief-items" }, ...since.map((i) => this.item(i)))
        : el("p", { class: "muted", text: "No concerns raised since then." }),
      w.since_more ? el("p", { class: "muted", text: `… and ${w.since_more} more, on the printed brief.` }) : null,
      el("h3", { text: "Still open from before" }),
      el("p", { text: open }),
      earlier.length ? el("ol", { class: "cap-brief-items" }, ...earlier.map((i) => this.item(i))) : null,
      ...actionsSection(w.actions || [], w.actions_more || 0), ...themesSection(w.themes), ...contextSection(w), ...updateSection(w.you_said_we_did));
  }

  item(i) {
    const meta = [`Raised ${dayText(i.raised_on)}`, i.status, i.lead_team || "Not yet routed", i.owner, `${i.age_days} days`]
      .filter(Boolean).join(" · ");
    const headingId = `brief-item-${i.id}`;
    return el("li", { class: `cap-brief-item${i.overdue ? " is-overdue" : ""}`, "data-concern": i.id, "aria-labelledby": headingId },
      el("h4", { id: headingId, text: i.category }),
      el("p", { text: i.description }),
      el("p", { class: "cap-sub" }, meta, i.overdue ? el("strong", { class: "cap-flag", text: " OVERDUE" }) : null),
      el("p", { class: "cap-we-did" }, el("strong", { text: "We did: " }), i.we_did || "nothing recorded yet"),
      el("ul", { class: "cap-marks", "data-marks": i.id }),
      el("fieldset", { class: "cap-report" },
        el("legend", { text: "Read it back: how did residents judge it?" }),
        el("div", { class: "field" },
          el("label", { for: `note-${i.id}`, text: "Residents' note (optional, before the tap)" }),
          el("textarea", { id: `note-${i.id}`, rows: "2", maxlength: String(this.noteMax) })),
        el("div", { class: "cap-report-buttons" }, ...BUTTONS.map(([view, label]) => el("button", {
          type: "button", class: `button cap-view-${view}`, "data-concern": i.id, "data-view": view, text: label,
          "aria-pressed": "false", "aria-describedby": headingId,
        })))));
  }

  // Each item's marks (the server's and this phone's) and the count lines: redrawn
  // whenever the store changes (a tap, a mark sent).
  async renderMarks() {
    const b = this.brief;
    if (!b) return;
    const items = b.briefs.flatMap((w) => w.items);
    const phone = await store.marksFor(items.map((i) => i.id));
    const views = new Map();
    for (const i of items) {
      const marks = marksOf(i, phone, b.fetched_at);
      views.set(i.id, latestView(marks));
      const list = document.querySelector(`[data-marks="${i.id}"]`);
      if (!list) continue;
      list.replaceChildren(...marks.map((m) => el("li", { class: `cap-mark view-${m.view}` },
        el("strong", { text: BUTTONS.find(([v]) => v === m.view)[1] }),
        ` · ${m.from === "server" ? dayText(m.at) : new Date(m.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`,
        ` · ${markState(m)}`, m.note ? ` · “${m.note}”` : "")));
      const latest = views.get(i.id);
      document.querySelectorAll(`button[data-concern="${i.id}"]`).forEach((button) => {
        button.setAttribute("aria-pressed", String(button.dataset.view === latest));
      });
    }
    for (const w of b.briefs) {
      const line = document.querySelector(`.cap-brief-count[data-ward="${w.ward_code}"]`);
      if (line) line.textContent = countLine(w.items.map((i) => views.get(i.id)));
    }
  }
}
