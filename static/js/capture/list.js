// What was saved at this meeting (newest first, with where each entry stands), and the
// Undo / Edit bar for the concern just saved.

import * as store from "./store.js";
import { sendAsNew, state as syncState, undo } from "./sync.js";

const $ = (id) => document.getElementById(id);
const UNDO_BAR_MS = 5 * 60 * 1000;
// The server lets the officer change or undo a concern for 15 minutes after saving it.
const SERVER_WINDOW_MS = 15 * 60 * 1000;

function describeState(r) {
  if (r.state === "conflict") return ["Not sent", "bad"];
  if (store.needsFixing(r)) return ["Needs fixing", "bad"];
  if (r.state === "sent" && r.change) return ["Change waiting to send", "wait"];
  if (r.state === "sent") return [r.server && r.server.needs_review ? "Sent · to be checked" : "Sent", "ok"];
  return [syncState.inFlight.has(r.id) ? "Sending…" : "Waiting to send", "wait"];
}

function errorText(errors) {
  return Object.values(errors || {}).join(" ");
}

export class SavedList {
  constructor({ onEdit }) {
    this.onEdit = onEdit;
    this.meetingId = null;
    this.last = null; // the concern just saved, for the Undo / Edit bar
    $("saved-list").addEventListener("click", (e) => {
      const button = e.target.closest("button[data-edit]");
      if (button) this.edit(button.dataset.edit);
      const renew = e.target.closest("button[data-send-new]");
      if (renew) sendAsNew(renew.dataset.sendNew).then(() => this.render());
    });
    $("undo-edit").addEventListener("click", () => this.last && this.edit(this.last));
    $("undo-undo").addEventListener("click", () => this.undoLast());
  }

  setMeeting(id) {
    if (id !== this.meetingId) this.hideBar();
    this.meetingId = id;
    return this.render();
  }

  async edit(id) {
    const record = await store.get("concerns", id);
    if (record) this.onEdit(record);
  }

  justSaved(record) {
    this.last = record.id;
    $("undo-text").textContent = `Saved: ${record.label.category}.`;
    $("undo-edit").hidden = false;
    $("undo-undo").hidden = false;
    $("undo-bar").hidden = false;
    clearTimeout(this.barTimer);
    this.barTimer = setTimeout(() => this.hideBar(), UNDO_BAR_MS);
  }

  hideBar() {
    clearTimeout(this.barTimer);
    $("undo-bar").hidden = true;
    this.last = null;
  }

  async undoLast() {
    if (!this.last) return;
    const id = this.last;
    await undo(id);
    this.last = null;
    $("undo-text").textContent = "Undone: that concern will not be kept.";
    $("undo-edit").hidden = true;
    $("undo-undo").hidden = true;
    clearTimeout(this.barTimer);
    this.barTimer = setTimeout(() => this.hideBar(), 4000);
  }

  async render() {
    if (!this.meetingId) return;
    const concerns = await store.concernsFor(this.meetingId);
    const list = $("saved-list");
    list.replaceChildren(...concerns.map((c) => this.item(c)));
    $("saved-count").textContent = concerns.length ? `(${concerns.length})` : "";
    $("saved-empty").hidden = concerns.length > 0;
  }

  item(r) {
    const li = document.createElement("li");
    li.className = "cap-item";
    li.dataset.id = r.id;
    const body = document.createElement("div");
    const [stateText, tone] = describeState(r);
    const head = document.createElement("p");
    head.className = "cap-item-head";
    head.append(
      Object.assign(document.createElement("strong"), { textContent: r.label.category }),
      Object.assign(document.createElement("span"), { className: `cap-badge cap-badge-${tone}`, textContent: stateText }),
    );
    const text = Object.assign(document.createElement("p"), { className: "cap-item-text", textContent: r.data.description });
    // Once sent, the server's ward is the one that counts (it locates every entry again).
    let place = r.label.place;
    if (r.server && r.state === "sent") {
      const same = r.label.ward && r.label.ward.ward_code === r.server.ward_code;
      place = same ? r.label.place : (r.server.ward_name || "Outside the Cleveland wards");
    }
    const facts = [place, `${r.data.residents} resident${r.data.residents === 1 ? "" : "s"}`];
    if (r.data.priority === "high") facts.push("high priority");
    if (r.data.contact_consent) facts.push("may be contacted");
    const sub = Object.assign(document.createElement("p"), { className: "cap-sub", textContent: facts.join(" · ") });
    body.append(head, text, sub);
    const trouble = r.errors ? errorText(r.errors) : r.problem;
    if (trouble) body.append(Object.assign(document.createElement("p"), { className: "error", textContent: trouble }));
    li.append(body);
    if (r.state === "conflict") {
      // Sending it again under this id cannot succeed: only as a new concern.
      const button = Object.assign(document.createElement("button"), {
        type: "button", className: "button primary", textContent: "Send as a new concern",
      });
      button.dataset.sendNew = r.id;
      button.setAttribute("aria-label", `Send as a new concern: ${r.label.category}, ${r.data.description.slice(0, 40)}`);
      li.append(button);
      return li;
    }
    const fixable = store.needsFixing(r);
    // The server's window starts when it stored the entry, which for an entry saved
    // offline is when it was sent.
    const recent = Date.now() - Date.parse(r.sent_at || r.saved_at) < SERVER_WINDOW_MS;
    // Once the team has acted, the concern is theirs: no Edit (the server refuses it);
    // the item says to add a correction instead.
    if (!r.acted && (fixable || r.state === "waiting" || recent)) {
      const button = Object.assign(document.createElement("button"), {
        type: "button", className: fixable ? "button primary" : "button", textContent: fixable ? "Fix" : "Edit",
      });
      button.dataset.edit = r.id;
      button.setAttribute("aria-label", `${fixable ? "Fix" : "Edit"}: ${r.label.category}, ${r.data.description.slice(0, 40)}`);
      li.append(button);
    }
    return li;
  }
}
