// What was saved at this meeting (newest first, with where each entry stands), and the
// toast for the concern just saved: Edit and Undo, for as long as the server lets the
// officer change it (the page's data-undo-minutes, the server's ENGAGE_UNDO_MINUTES).
// Undo says "Undoing…" until the server has answered, then "Undone" or why not; once the
// team has acted, the officer adds a correction instead.

import * as store from "./store.js";
import { correct, sendAsNew, state as syncState, undo } from "./sync.js";

const $ = (id) => document.getElementById(id);
const UNDONE = "Undone: that concern will not be kept.";
const ACTED = "Not undone: the team has already acted on this concern, so it is kept as they left it. "
  + "You can add a correction for them instead.";

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
  constructor({ onEdit, undoMinutes }) {
    this.onEdit = onEdit;
    // The server lets the officer change or undo a concern for this long after storing it.
    this.windowMs = (undoMinutes > 0 ? undoMinutes : 15) * 60 * 1000;
    this.meetingId = null;
    this.last = null; // the concern just saved, for the toast's Edit and Undo
    this.undoing = null; // the concern whose undo waits for the server's answer
    this.correcting = null; // the concern a correction is being written for
    $("saved-list").addEventListener("click", (e) => {
      const button = e.target.closest("button[data-edit]");
      if (button) this.edit(button.dataset.edit);
      const renew = e.target.closest("button[data-send-new]");
      if (renew) sendAsNew(renew.dataset.sendNew).then(() => this.render());
      const note = e.target.closest("button[data-correct]");
      if (note) this.askCorrection(note.dataset.correct);
    });
    $("undo-edit").addEventListener("click", () => this.last && this.edit(this.last));
    $("undo-undo").addEventListener("click", () => this.undoLast());
    $("undo-correct").addEventListener("click", () => this.correcting && this.askCorrection(this.correcting));
    $("undo-close").addEventListener("click", () => this.hideBar());
    $("correction-form").addEventListener("submit", (e) => { e.preventDefault(); this.sendCorrection(); });
    $("correction-cancel").addEventListener("click", () => $("correction-dialog").close());
  }

  setMeeting(id) {
    if (id !== this.meetingId) this.hideBar();
    this.meetingId = id;
    return this.render();
  }

  // The same meeting under the server's id (see store.continueMeeting): the toast stays.
  switchMeeting(id) {
    this.meetingId = id;
    return this.render();
  }

  async edit(id) {
    const record = await store.get("concerns", id);
    if (record) this.onEdit(record);
  }

  // The toast: `text` (announced: the element is a live region), the buttons asked for,
  // and hidden after `ms` (or when closed, or replaced).
  showToast(text, { edit = false, undoable = false, correction = false, ms = 0 } = {}) {
    clearTimeout(this.barTimer);
    $("undo-bar").classList.remove("is-empty");
    $("capture").classList.add("has-toast");
    $("undo-actions").hidden = false;
    $("undo-edit").hidden = !edit;
    $("undo-undo").hidden = !undoable;
    $("undo-correct").hidden = !correction;
    $("undo-text").textContent = text;
    if (ms) this.barTimer = setTimeout(() => this.hideBar(), ms);
  }

  justSaved(record) {
    this.last = record.id;
    this.undoing = null;
    this.correcting = null;
    this.showToast(`Saved: ${record.label.category}.`, { edit: true, undoable: true, ms: this.windowMs });
  }

  hideBar() {
    clearTimeout(this.barTimer);
    const hadFocus = $("undo-bar").contains(document.activeElement);
    $("undo-bar").classList.add("is-empty");
    $("capture").classList.remove("has-toast");
    $("undo-actions").hidden = true;
    $("undo-text").textContent = "";
    this.last = null;
    this.undoing = null;
    this.correcting = null;
    if (hadFocus) {
      const first = document.querySelector("#concern-form input[name=category]");
      if (first) first.focus({ preventScroll: true });
    }
  }

  async undoLast() {
    if (!this.last) return;
    const id = this.last;
    this.last = null;
    this.showToast("Undoing…");
    const result = await undo(id);
    if (!result) { this.showToast(UNDONE, { ms: 4000 }); return; } // never left the phone: forgotten
    this.undoing = id;
    if (navigator.onLine === false) this.showToast("Undoing… it is undone on the server as soon as there is signal.");
    await this.checkUndo();
  }

  // After each change on the phone: has the server answered the undo yet?
  async checkUndo() {
    const id = this.undoing;
    if (!id) return;
    const r = await store.get("concerns", id);
    if (this.undoing !== id || (r && r.change === "undo")) return;
    this.undoing = null;
    if (!r) this.showToast(UNDONE, { ms: 4000 });
    else if (r.acted) { this.correcting = id; this.showToast(ACTED, { correction: true }); }
    else this.showToast(r.problem || "Not undone: the server kept this concern.");
  }

  async askCorrection(id) {
    const r = await store.get("concerns", id);
    if (!r) return;
    this.correcting = id;
    $("correction-about").textContent = `${r.label.category}: ${r.data.description.slice(0, 120)}`;
    $("correction-text").value = r.correction || "";
    this.correctionError("");
    $("correction-dialog").showModal();
    $("correction-text").focus();
  }

  correctionError(message) {
    $("correction-error").hidden = !message;
    $("correction-error").textContent = message;
    if (message) $("correction-text").setAttribute("aria-invalid", "true");
    else $("correction-text").removeAttribute("aria-invalid");
  }

  async sendCorrection() {
    const text = $("correction-text").value.trim();
    if (!text) { this.correctionError("Say what should be corrected."); $("correction-text").focus(); return; }
    let saved;
    try {
      saved = await correct(this.correcting, text);
    } catch (err) {
      this.correctionError(`Not saved on this phone (${err.message}). Your text is still here: try again.`);
      return;
    }
    if (!saved) { this.correctionError("That concern is no longer on this phone."); return; }
    $("correction-dialog").close();
    this.correcting = null;
    this.showToast("Correction saved: it is sent to the team with your other entries.", { ms: 10000 });
  }

  async render() {
    await this.checkUndo();
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
    if (r.corrected_at && !r.change) body.append(Object.assign(document.createElement("p"), { className: "cap-sub", textContent: "Your correction was sent to the team." }));
    li.append(body);
    if (r.acted && r.state === "sent" && !r.change) {
      // The team's work stands; the officer's word goes beside it.
      const button = Object.assign(document.createElement("button"), { type: "button", className: "button", textContent: "Add a correction" });
      button.dataset.correct = r.id;
      button.setAttribute("aria-label", `Add a correction: ${r.label.category}, ${r.data.description.slice(0, 40)}`);
      li.append(button);
      return li;
    }
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
    const recent = Date.now() - Date.parse(r.sent_at || r.saved_at) < this.windowMs;
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
