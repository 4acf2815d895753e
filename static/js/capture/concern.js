// The concern form: Category, What was raised, Save concern. Everything else has a
// sensible default (one resident, normal priority, the meeting's ward), so a practised
// officer taps a category, types, and taps Save.
//
// Saving writes the entry to IndexedDB and only then resets the form: if the write
// fails, the form keeps what was typed and says so.

import { concernEditable } from "./contract.js";
import * as store from "./store.js";
import { GridRefError } from "./geo.js";

const $ = (id) => document.getElementById(id);
const DRAFT_KEY = "engage-capture-draft";

// Where each server field error is shown; any other goes in the summary only.
const ERROR_SLOTS = {
  category: "category-error", description: "concern-description-error", residents: "concern-residents-error",
  grid_ref: "grid-ref-error", contact_consent: "contact-details-error", contact_name: "contact-details-error",
  contact_details: "contact-details-error",
};
const FIELD_NAMES = {
  category: "Category", description: "What was raised", residents: "Residents", priority: "Priority",
  grid_ref: "Grid reference", lon: "Location", lat: "Location", ward_code: "Ward", location_source: "Location",
  contact_consent: "Contact", contact_name: "Name", contact_details: "Phone or email", raised_at: "Time",
};

export class ConcernForm {
  constructor({ categories, location, owner, onSaved }) {
    this.categories = categories;
    this.location = location;
    this.owner = owner;
    this.onSaved = onSaved;
    this.meeting = null;
    this.editing = null; // the record being edited, or null for a new concern
    this.saving = false;
    this.form = $("concern-form");
    this.renderCategories();
    this.form.addEventListener("submit", (e) => { e.preventDefault(); this.save(); });
    $("residents-less").addEventListener("click", () => this.stepResidents(-1));
    $("residents-more").addEventListener("click", () => this.stepResidents(1));
    $("contact-consent").addEventListener("change", () => this.showContact());
    $("concern-cancel").addEventListener("click", () => this.reset());
    this.form.addEventListener("input", () => this.keepDraft());
  }

  renderCategories() {
    const holder = $("category-options");
    holder.replaceChildren();
    for (const c of this.categories) {
      const id = `category-${c.code}`;
      // The (transparent) radio covers its label, so the whole tile is the target.
      const tile = Object.assign(document.createElement("div"), { className: "cap-choice" });
      const input = Object.assign(document.createElement("input"), { type: "radio", name: "category", value: c.code, id });
      const label = Object.assign(document.createElement("label"), { htmlFor: id, textContent: c.label });
      tile.append(input, label);
      // A tap on a category moves on to typing; arrow keys (detail 0) stay in the group.
      input.addEventListener("click", (e) => {
        if (e.detail > 0 && !$("concern-description").value) $("concern-description").focus();
        this.clearError("category");
      });
      holder.append(tile);
    }
  }

  // New categories from the server (an admin retired or added one): keep the choice if it
  // still exists, and never touch the form while the officer is typing into it.
  setCategories(categories) {
    const same = categories.length === this.categories.length
      && categories.every((c, i) => c.code === this.categories[i].code && c.label === this.categories[i].label);
    if (same || !categories.length) return;
    const checked = this.form.querySelector("input[name=category]:checked");
    this.categories = categories;
    this.renderCategories();
    const again = checked && this.form.querySelector(`input[name=category][value="${CSS.escape(checked.value)}"]`);
    if (again) again.checked = true;
  }

  labelFor(code) {
    const found = this.categories.find((c) => c.code === code);
    return found ? found.label : code;
  }

  setMeeting(meeting) {
    this.meeting = meeting;
    this.reset({ focus: false });
    this.restoreDraft();
  }

  // The meeting took the id of one the server already had: the same meeting, so what is
  // being typed stays, and its draft follows it.
  switchMeeting(meeting) {
    const before = this.draftKey();
    this.meeting = meeting;
    try {
      const draft = localStorage.getItem(before);
      if (draft !== null) { localStorage.setItem(this.draftKey(), draft); localStorage.removeItem(before); }
    } catch { /* storage unavailable: the form still holds the text */ }
  }

  stepResidents(delta) {
    const input = $("concern-residents");
    input.value = String(Math.max(1, (parseInt(input.value, 10) || 1) + delta));
    this.keepDraft();
  }

  showContact() {
    $("contact-fields").hidden = !$("contact-consent").checked;
  }

  values() {
    const checked = this.form.querySelector("input[name=category]:checked");
    const consent = $("contact-consent").checked;
    return {
      category: checked ? checked.value : "",
      description: $("concern-description").value.trim(),
      residents: $("concern-residents").value.trim(),
      priority: $("priority-high").checked ? "high" : "normal",
      contact_consent: consent,
      // Details are never kept without the resident's consent, even if typed first.
      contact_name: consent ? $("contact-name").value.trim() || null : null,
      contact_details: consent ? $("contact-details").value.trim() || null : null,
    };
  }

  validate(v) {
    const errors = {};
    if (!v.category) errors.category = "Choose a category.";
    if (!v.description) errors.description = "Say what was raised.";
    if (!/^\d+$/.test(v.residents) || Number(v.residents) < 1) errors.residents = "A whole number, 1 or more.";
    return errors;
  }

  async save() {
    if (this.saving || !this.meeting) return;
    const v = this.values();
    const errors = this.validate(v);
    let place = {};
    let placeLabel = null;
    if (!this.editing || this.editing.state !== "sent") {
      try {
        place = this.location.fields();
        placeLabel = this.location.label();
      } catch (err) {
        if (!(err instanceof GridRefError)) throw err;
        errors.grid_ref = err.message;
        $("place-more").open = true;
      }
    }
    if (Object.keys(errors).length) { this.showErrors(errors); return; }
    const data = { ...v, residents: Number(v.residents), ...place };
    this.saving = true;
    $("concern-submit").disabled = true;
    try {
      const saved = this.editing ? await this.saveEdit(data, placeLabel) : await this.saveNew(data, placeLabel);
      if (!saved) return;
      localStorage.removeItem(this.draftKey());
      const wasEdit = Boolean(this.editing);
      this.reset();
      this.onSaved(saved, wasEdit);
    } catch (err) {
      // The entry is NOT on the phone: keep the form as typed and say so plainly.
      this.showErrors({ body: `Not saved on this phone (${err.message}). Your text is still here: try Save again.` });
    } finally {
      this.saving = false;
      $("concern-submit").disabled = false;
    }
  }

  async saveNew(data, placeLabel) {
    const now = new Date().toISOString();
    const record = {
      id: store.newId(), meeting_id: this.meeting.id, owner: this.owner(), rev: 1,
      state: "waiting", change: null, errors: null, problem: null, tried: false, saved_at: now,
      data: { ...data, raised_at: now },
      label: { category: this.labelFor(data.category), place: placeLabel.text, ward: placeLabel.ward, outside: Boolean(placeLabel.outside) },
    };
    return store.put("concerns", record);
  }

  async saveEdit(data, placeLabel) {
    const categoryLabel = this.labelFor(data.category);
    const result = await store.update("concerns", this.editing.id, (r) => {
      if (!r || r.change === "undo") return undefined;
      const next = { ...r, rev: r.rev + 1, errors: null, problem: null, label: { ...r.label, category: categoryLabel } };
      if (r.state === "sent") {
        // Only what was raised can change once the server has it; where and who cannot.
        next.data = { ...r.data };
        for (const k of concernEditable()) next.data[k] = data[k];
        next.change = "edit";
      } else {
        next.data = { ...data, raised_at: r.data.raised_at };
        next.state = "waiting";
        if (placeLabel) Object.assign(next.label, { place: placeLabel.text, ward: placeLabel.ward, outside: Boolean(placeLabel.outside) });
      }
      return next;
    });
    if (!result) this.showErrors({ body: "That concern is no longer on this phone (it was undone)." });
    return result;
  }

  // Load a saved concern into the form, to fix what the server refused or to correct it.
  edit(record) {
    this.reset({ focus: false });
    this.editing = record;
    const d = record.data;
    const radio = this.form.querySelector(`input[name=category][value="${CSS.escape(d.category)}"]`);
    if (radio) radio.checked = true;
    $("concern-description").value = d.description;
    $("concern-residents").value = String(d.residents);
    $(d.priority === "high" ? "priority-high" : "priority-normal").checked = true;
    $("contact-consent").checked = Boolean(d.contact_consent);
    $("contact-name").value = d.contact_name || "";
    $("contact-details").value = d.contact_details || "";
    this.showContact();
    const sent = record.state === "sent";
    this.location.restore(record);
    this.location.setEnabled(!sent);
    for (const id of ["contact-consent", "contact-name", "contact-details"]) $(id).disabled = sent;
    const mode = $("concern-mode");
    mode.hidden = false;
    mode.textContent = sent
      ? "Editing a sent concern: the category, text, residents and priority can still change."
      : "Editing a concern not sent yet.";
    $("concern-submit").textContent = "Save changes";
    $("concern-cancel").hidden = false;
    if (record.errors) this.showErrors(record.errors);
    this.form.scrollIntoView({ block: "start" });
    const first = this.form.querySelector("[aria-invalid=true], input[name=category]:checked") || $("concern-description");
    first.focus();
  }

  reset({ focus = true } = {}) {
    this.editing = null;
    this.form.reset(); // category cleared, residents back to 1, priority normal
    $("concern-residents").value = "1";
    this.showContact();
    this.showErrors({});
    this.location.setEnabled(true);
    this.location.reset();
    for (const id of ["contact-consent", "contact-name", "contact-details"]) $(id).disabled = false;
    $("concern-mode").hidden = true;
    $("concern-submit").textContent = "Save concern";
    $("concern-cancel").hidden = true;
    $("place-more").open = false;
    if (focus) {
      // Ready for the next concern at the same meeting: back to Category.
      $("category-group").scrollIntoView({ block: "start" });
      const first = this.form.querySelector("input[name=category]");
      if (first) first.focus({ preventScroll: true });
    }
  }

  clearError(field) {
    const slot = $(ERROR_SLOTS[field]);
    if (slot) { slot.hidden = true; slot.textContent = ""; }
  }

  showErrors(errors) {
    for (const slotId of new Set(Object.values(ERROR_SLOTS))) {
      $(slotId).hidden = true;
      $(slotId).textContent = "";
    }
    this.form.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
    const summary = $("concern-errors");
    const entries = Object.entries(errors);
    summary.hidden = !entries.length;
    summary.textContent = entries.length
      ? entries.map(([k, msg]) => (FIELD_NAMES[k] ? `${FIELD_NAMES[k]}: ${msg}` : msg)).join(" ")
      : "";
    for (const [field, message] of entries) {
      const slot = $(ERROR_SLOTS[field]);
      if (!slot) continue;
      slot.hidden = false;
      slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
      const input = field === "category" ? null : this.form.querySelector(`[aria-describedby~="${slot.id}"]`);
      if (input) input.setAttribute("aria-invalid", "true");
    }
    if (errors.grid_ref) $("place-more").open = true;
    if (entries.length && !this.editing) {
      const firstField = entries.map(([k]) => k).find((k) => ERROR_SLOTS[k]);
      if (firstField === "category") this.form.querySelector("input[name=category]").focus();
      else if (firstField) (this.form.querySelector("[aria-invalid=true]") || summary).focus();
    }
  }

  // --- a draft, so a phone that kills the tab mid-sentence does not lose the words ---

  draftKey() { return `${DRAFT_KEY}:${this.meeting ? this.meeting.id : ""}`; }

  keepDraft() {
    if (this.editing || !this.meeting) return;
    clearTimeout(this.draftTimer);
    this.draftTimer = setTimeout(() => {
      try { localStorage.setItem(this.draftKey(), JSON.stringify(this.values())); } catch { /* full: not fatal */ }
    }, 300);
  }

  restoreDraft() {
    let draft;
    try { draft = JSON.parse(localStorage.getItem(this.draftKey()) || "null"); } catch { draft = null; }
    if (!draft || (!draft.description && !draft.category)) return;
    const radio = draft.category && this.form.querySelector(`input[name=category][value="${CSS.escape(draft.category)}"]`);
    if (radio) radio.checked = true;
    $("concern-description").value = draft.description || "";
    $("concern-residents").value = draft.residents || "1";
    $(draft.priority === "high" ? "priority-high" : "priority-normal").checked = true;
    $("contact-consent").checked = Boolean(draft.contact_consent);
    $("contact-name").value = draft.contact_name || "";
    $("contact-details").value = draft.contact_details || "";
    this.showContact();
  }
}
