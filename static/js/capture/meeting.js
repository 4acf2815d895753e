// The meeting form (Ward, Date, Venue, Attendance, who attended, Start meeting) and the
// list of meetings kept on this phone, so an ended meeting can be reopened. Starting one
// already on the phone or the server (same ward, date and venue) asks to continue it.

import { findSame, recordFromServer } from "./same.js";
import * as store from "./store.js";
import { sameOnServer } from "./sync.js";
import { cacheMeetingTiles } from "./tiles.js";
import { today, dayText } from "./days.js";

const $ = (id) => document.getElementById(id);
const FIELDS = {
  ward_codes: "meeting-ward", date: "meeting-date", venue: "meeting-venue", attendance: "meeting-attendance",
  police_partners: "meeting-partners",
};
const NAMES = {
  ward_codes: "Ward", date: "Date", venue: "Venue", attendance: "Attendance", kind: "Type of meeting", start_time: "Start time",
  team_codes: "Teams that attended", police_partners: "Anyone else",
};

function clock() {
  const d = new Date();
  return `${String(d.getHours()).padStart(2, "0")}:${String(d.getMinutes()).padStart(2, "0")}`;
}

export class MeetingForm {
  constructor({ places, owner, onStart, onResume, onCancel }) {
    this.places = places;
    this.owner = owner;
    this.onStart = onStart;
    this.onResume = onResume;
    this.editing = null;
    this.same = null; // the meeting found to be this one, while the officer is asked
    this.form = $("meeting-form");
    this.fillWards();
    this.form.addEventListener("submit", (e) => { e.preventDefault(); this.save(); });
    this.form.addEventListener("change", (e) => { if (e.target.name === "team_codes") this.countTeams(); });
    $("meeting-same-continue").addEventListener("click", () => this.continueSame());
    $("meeting-same-back").addEventListener("click", () => { this.hideSame(); $("meeting-venue").focus(); });
    $("meeting-cancel").addEventListener("click", () => onCancel(this.editing));
    $("recent-list").addEventListener("click", (e) => {
      const button = e.target.closest("button[data-meeting]");
      if (button) this.resume(button.dataset.meeting);
    });
  }

  fillWards() {
    const select = $("meeting-ward");
    for (const group of this.places.byAuthority()) {
      const optgroup = document.createElement("optgroup");
      optgroup.label = group.lad_name;
      for (const w of group.wards) optgroup.append(new Option(w.ward_name, w.ward_code));
      select.append(optgroup);
    }
  }

  async show() {
    this.editing = null;
    this.planned = null;
    this.form.reset();
    this.hideSame();
    this.countTeams();
    this.showErrors({});
    $("meeting-title").textContent = "Start a meeting";
    $("meeting-submit").textContent = "Start meeting";
    $("meeting-cancel").hidden = true;
    $("meeting-date").value = today();
    const last = await store.getMeta("last-ward");
    if (last && this.places.ward(last)) $("meeting-ward").value = last;
    await this.renderRecent();
  }

  // Start a planned meeting: the form filled from the plan, and the meeting kept under
  // the plan's id, so the server holds that meeting (its brief's marks and the night's
  // concerns then belong to one meeting) rather than recording a second one.
  async startPlanned(plan) {
    await this.show();
    this.planned = plan;
    $("meeting-ward").value = plan.ward_codes[0] || "";
    $("meeting-venue").value = plan.venue || "";
    if (plan.kind) $("meeting-kind").value = plan.kind;
    $("meeting-time").value = plan.start_time || "";
    $("meeting-title").textContent = "Start the planned meeting";
    $("meeting-attendance").focus();
  }

  // Fix a meeting the server refused, or correct one not yet sent.
  edit(record) {
    this.editing = record;
    const d = record.data;
    $("meeting-title").textContent = "Fix the meeting";
    $("meeting-submit").textContent = "Save meeting";
    $("meeting-cancel").hidden = false;
    $("meeting-ward").value = d.ward_codes[0] || "";
    $("meeting-date").value = d.date || "";
    $("meeting-venue").value = d.venue || "";
    $("meeting-attendance").value = d.attendance == null ? "" : String(d.attendance);
    $("meeting-kind").value = d.kind;
    $("meeting-time").value = d.start_time || "";
    $("meeting-pcc").checked = Boolean(d.pcc_attended);
    const teams = new Set(d.team_codes || []);
    this.teamBoxes().forEach((box) => { box.checked = teams.has(box.value); });
    $("meeting-partners").value = d.police_partners || "";
    this.countTeams();
    this.hideSame();
    this.showErrors(record.errors || {});
    $("meeting-ward").focus();
  }

  values() {
    const attendance = $("meeting-attendance").value.trim();
    const code = $("meeting-ward").value;
    return {
      kind: $("meeting-kind").value,
      ward_codes: code ? [code] : [],
      date: $("meeting-date").value,
      start_time: $("meeting-time").value || (this.editing ? null : clock()),
      venue: $("meeting-venue").value.trim(),
      attendance: attendance === "" ? null : Number(attendance),
      status: "held",
      team_codes: this.teamBoxes().filter((box) => box.checked).map((box) => box.value),
      police_partners: $("meeting-partners").value.trim(),
      pcc_attended: $("meeting-pcc").checked,
      notes: "",
      _attendance_text: attendance,
    };
  }

  validate(v) {
    const errors = {};
    if (!v.ward_codes.length) errors.ward_codes = "Choose the ward.";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date)) errors.date = "Give the date.";
    if (v._attendance_text !== "" && !/^\d+$/.test(v._attendance_text)) errors.attendance = "A whole number, or leave it empty.";
    return errors;
  }

  teamBoxes() {
    return [...this.form.querySelectorAll("input[name=team_codes]")];
  }

  countTeams() {
    const n = this.teamBoxes().filter((box) => box.checked).length;
    $("meeting-who-count").textContent = n ? `(${n} team${n === 1 ? "" : "s"})` : "";
  }

  async save() {
    if (this.saving) return;
    const v = this.values();
    const errors = this.validate(v);
    if (Object.keys(errors).length) { this.showErrors(errors); return; }
    delete v._attendance_text;
    if (!this.editing) {
      // The same meeting already started (on this phone, or by a colleague): continue it.
      this.saving = true;
      $("meeting-submit").disabled = true;
      try {
        const records = await store.meetings();
        const mine = findSame(v, { records });
        const theirs = mine ? null : await sameOnServer(v);
        const same = mine || findSame(v, { server: theirs ? [theirs] : [] });
        if (same) { this.askSame(same); return; }
      } finally {
        this.saving = false;
        $("meeting-submit").disabled = false;
      }
    }
    await this.keep(v);
  }

  askSame(same) {
    this.same = same;
    const m = same.record ? { ...same.record.data, ward_name: same.record.label.ward_name } : { ...same.server, ward_name: same.server.ward_names[0] };
    const where = [m.venue, m.ward_name].filter(Boolean).join(", ");
    $("meeting-same-text").textContent = same.record
      ? `A meeting at ${where} on ${dayText(m.date)} is already on this phone. Continue it, so its concerns stay together?`
      : `A meeting at ${where} on ${dayText(m.date)} is already recorded, perhaps by a colleague. Continue it, so its concerns stay together?`;
    $("meeting-same").hidden = false;
    this.showErrors({});
    $("meeting-same-title").focus();
  }

  hideSame() {
    this.same = null;
    $("meeting-same").hidden = true;
  }

  async continueSame() {
    const same = this.same;
    if (!same) return;
    this.hideSame();
    if (same.record) { await this.resume(same.record.id); return; }
    const ward = this.places.ward(same.server.ward_codes[0]);
    const fresh = recordFromServer(same.server, { owner: this.owner(), ladName: ward ? ward.lad_name : "" });
    // Put only if the phone lacks it: never overwrite a copy with its own queued state.
    const record = (await store.update("meetings", fresh.id, (r) => (r ? { ...r, ended_at: null } : fresh)));
    await store.setMeta("last-ward", fresh.data.ward_codes[0]);
    this.onResume(record);
  }

  async keep(v) {
    const ward = this.places.ward(v.ward_codes[0]);
    const label = { ward_name: ward ? ward.ward_name : v.ward_codes[0], lad_name: ward ? ward.lad_name : "" };
    let record;
    try {
      if (this.editing) {
        record = await store.update("meetings", this.editing.id, (r) => (r ? {
          ...r, data: v, label, rev: r.rev + 1, state: r.state === "sent" ? "sent" : "waiting", errors: null, problem: null,
        } : undefined));
      } else {
        const plan = this.planned && this.planned.ward_codes.includes(v.ward_codes[0]) ? this.planned : null;
        record = await store.put("meetings", {
          id: plan ? plan.id : store.newId(), owner: this.owner(), rev: 1, state: "waiting", errors: null, problem: null,
          saved_at: new Date().toISOString(), data: v, label,
        });
      }
      await store.setMeta("last-ward", v.ward_codes[0]);
    } catch (err) {
      this.showErrors({ body: `Not saved on this phone (${err.message}). Try again.` });
      return;
    }
    if (record) this.onStart(record);
    if (record) this.places.loadOutlines().then(() => cacheMeetingTiles(this.places, v.ward_codes[0])); // the streets around it, for offline
  }

  async resume(id) {
    const record = await store.update("meetings", id, (r) => (r ? { ...r, ended_at: null } : undefined));
    if (record) this.onResume(record);
    if (record) this.places.loadOutlines().then(() => cacheMeetingTiles(this.places, record.data.ward_codes[0]));
  }

  showErrors(errors) {
    for (const [field, id] of Object.entries(FIELDS)) {
      const slot = $(`${id}-error`);
      const message = errors[field];
      slot.hidden = !message;
      slot.textContent = message || "";
      if (message) $(id).setAttribute("aria-invalid", "true");
      else $(id).removeAttribute("aria-invalid");
    }
    const summary = $("meeting-errors");
    const entries = Object.entries(errors);
    summary.hidden = !entries.length;
    summary.textContent = entries.map(([k, m]) => (NAMES[k] ? `${NAMES[k]}: ${m}` : m)).join(" ");
    const first = entries.find(([k]) => FIELDS[k]);
    if (first) $(FIELDS[first[0]]).focus();
  }

  async renderRecent() {
    const meetings = (await store.meetings()).slice(0, 8);
    $("recent").hidden = !meetings.length;
    const list = $("recent-list");
    list.replaceChildren();
    for (const m of meetings) {
      const concerns = await store.concernsFor(m.id);
      const waiting = concerns.filter(store.needsSending).length + (store.needsSending(m) ? 1 : 0);
      const fixing = concerns.filter(store.needsFixing).length + (store.needsFixing(m) ? 1 : 0);
      const li = document.createElement("li");
      li.className = "cap-item";
      const text = document.createElement("div");
      const title = Object.assign(document.createElement("strong"), { textContent: m.label.ward_name });
      const sub = Object.assign(document.createElement("p"), { className: "cap-sub" });
      sub.textContent = [m.data.venue, m.data.date, `${concerns.length} concern${concerns.length === 1 ? "" : "s"}`,
        waiting ? `${waiting} waiting` : "all sent", fixing ? `${fixing} to fix` : ""].filter(Boolean).join(" · ");
      text.append(title, sub);
      const button = Object.assign(document.createElement("button"), { type: "button", className: "button", textContent: "Continue" });
      button.dataset.meeting = m.id;
      button.setAttribute("aria-label", `Continue the meeting at ${m.label.ward_name}${m.data.venue ? `, ${m.data.venue}` : ""} on ${m.data.date}`);
      li.append(text, button);
      list.append(li);
    }
  }
}
