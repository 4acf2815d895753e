// The capture app: starts the service worker, loads the reference data (from the
// network or the phone), shows the meeting or concern screen, and keeps the status
// line true ("All saved" or "N waiting to send") whatever the network does.

import * as store from "./store.js";
import * as sync from "./sync.js";
import { loadCategories, loadPlaces } from "./places.js";
import { Location } from "./location.js";
import { ConcernForm } from "./concern.js";
import { MeetingForm } from "./meeting.js";
import { SavedList } from "./list.js";
import { LogoutGuard } from "./logout.js";
import { BriefView } from "./brief.js";
import { loadMapLibrary } from "./maplib.js";
import { dayText } from "./days.js";

const $ = (id) => document.getElementById(id);
const root = $("capture");
let meeting = null;
let forms = null;
const logout = new LogoutGuard(document.querySelector(`form[action="${root.dataset.logout}"]`));

// Once the form is usable: the outlines and the map library, then the service worker,
// whose install finds them in the browser's cache rather than fetching them again
// (their URLs carry digests, so the cached copy is the right one).
async function prepareForLater(places) {
  await Promise.allSettled([places.loadOutlines(), loadMapLibrary()]);
  registerWorker();
}

function registerWorker() {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(root.dataset.sw, { scope: root.dataset.scope }).catch((err) => {
    console.warn("capture works without its service worker, but not offline:", err); // eslint-disable-line no-console
  });
}

// Who is saving: the session's e-mail when known, else the one the page was served for.
function owner() {
  return (sync.state.session && sync.state.session.email) || root.dataset.user || null;
}

function plural(n, word) { return `${n} ${word}${n === 1 ? "" : "s"}`; }

let refreshQueued = false;
function refresh() {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(async () => {
    refreshQueued = false;
    await renderStatus();
    if (forms && meeting) {
      // Continued under the server's id (it had this meeting already): follow it.
      const currentId = await store.getMeta("current-meeting");
      const moved = currentId && currentId !== meeting.id ? await store.get("meetings", currentId) : null;
      if (moved && moved.continued_from === meeting.id) {
        meeting = moved;
        forms.concern.switchMeeting(moved);
        forms.location.meeting = moved;
        await forms.list.switchMeeting(moved.id);
      }
      meeting = (await store.get("meetings", meeting.id)) || meeting;
      renderMeetingHeader();
      await renderBriefButton();
      await forms.list.render();
    }
  }, 0);
}

async function renderStatus() {
  const counts = await store.counts();
  const s = sync.state;
  const status = $("sync-status");
  const text = counts.total ? `${counts.total} waiting to send` : "All saved";
  if (status.textContent !== text) status.textContent = text;
  status.classList.toggle("is-waiting", counts.total > 0);
  status.classList.toggle("is-bad", counts.rejected > 0);

  $("net-state").hidden = navigator.onLine !== false;
  const detail = [];
  if (counts.total) {
    const parts = [];
    if (counts.meetings) parts.push(plural(counts.meetings, "meeting"));
    if (counts.concerns) parts.push(plural(counts.concerns, "concern"));
    if (counts.marks) parts.push(plural(counts.marks, "reported-back mark"));
    detail.push(`${parts.join(" and ")} kept safe on this phone until sent.`);
  }
  if (counts.rejected) {
    const mine = (r) => meeting && (r.id === meeting.id || r.meeting_id === meeting.id);
    const elsewhere = counts.records.filter((r) => store.needsFixing(r) && !mine(r)).length;
    detail.push(`${counts.rejected} need${counts.rejected === 1 ? "s" : ""} fixing: ${elsewhere
      ? "open the meeting under Meetings on this phone and look for Fix."
      : "look for Fix below."}`);
  }
  if (counts.total && s.running) detail.push("Sending…");
  else if (counts.total && navigator.onLine === false) detail.push("They will send when there is signal.");
  else if (counts.total && s.nextTryAt) detail.push(`Trying again at ${new Date(s.nextTryAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })}.`);
  if (s.heldFor) detail.push(`Some were saved by ${s.heldFor}: they wait for them to log in.`);
  $("sync-detail").hidden = !detail.length;
  $("sync-detail").textContent = detail.join(" ");

  logout.update(counts.total, navigator.onLine !== false);

  const prompt = $("login-prompt");
  prompt.hidden = !(s.loginNeeded && counts.total);
  $("login-link").textContent = `Log in again to send ${counts.total} waiting`;
  const problem = $("sync-problem");
  problem.hidden = !s.problem || !counts.total;
  problem.textContent = s.problem || "";
}


function renderMeetingHeader() {
  $("meeting-ward-name").textContent = meeting.label.ward_name;
  $("meeting-summary").textContent = [meeting.label.lad_name, meeting.data.venue, dayText(meeting.data.date)].filter(Boolean).join(" · ");
  const broken = meeting.state === "rejected";
  $("meeting-problem").hidden = !broken && !meeting.problem;
  $("meeting-problem-text").textContent = broken
    ? `The server did not accept this meeting: ${Object.values(meeting.errors || {}).join(" ")}`
    : meeting.problem || "";
  $("fix-meeting").hidden = meeting.state === "sent";
  $("meeting-notice").hidden = !meeting.continued_from;
  $("meeting-notice").textContent = meeting.continued_from
    ? "This meeting was already recorded (the same ward, date and venue), so you are continuing it: its concerns go there."
    : "";
}

// While recording a meeting: the brief downloaded for a planned meeting in its ward, if any.
async function briefForMeeting() {
  if (!meeting) return null;
  const ward = meeting.data.ward_codes[0];
  const kept = (await store.briefs()).filter((b) => b.meeting.ward_codes.includes(ward));
  const sameDay = kept.find((b) => b.meeting.date === meeting.data.date);
  return sameDay || kept[0] || null;
}

async function renderBriefButton() {
  const found = await briefForMeeting();
  $("open-brief").hidden = !found;
  $("open-brief").dataset.meeting = found ? found.meeting.id : "";
}

function showScreen(name) {
  $("meeting-screen").hidden = name !== "meeting";
  $("concern-screen").hidden = name !== "concern";
  $("brief-screen").hidden = name !== "brief";
  root.dataset.screen = name;
}

async function openMeeting(record, { focus = true } = {}) {
  meeting = record;
  await store.setMeta("current-meeting", record.id);
  renderMeetingHeader();
  await renderBriefButton();
  forms.location.setMeeting(record);
  forms.concern.setMeeting(record);
  await forms.list.setMeeting(record.id);
  showScreen("concern");
  window.scrollTo(0, 0);
  if (focus) $("category-group").querySelector("input") && $("category-group").querySelector("input").focus();
}

async function endMeeting() {
  if (!meeting) return;
  await store.update("meetings", meeting.id, (r) => (r ? { ...r, ended_at: new Date().toISOString() } : undefined));
  await store.setMeta("current-meeting", null);
  meeting = null;
  forms.list.hideBar();
  await forms.meeting.show();
  showScreen("meeting");
  window.scrollTo(0, 0);
  $("meeting-ward").focus();
}

function keepLogoutTokenFresh() {
  // The logout form in a page served from the cache carries an old CSRF token.
  const token = sync.state.session && sync.state.session.csrf_token;
  if (token) document.querySelectorAll("input[name=csrf_token]").forEach((input) => { input.value = token; });
}

async function boot() {
  store.askToPersist();
  store.prune().catch(() => {});
  const [categories, places] = await Promise.all([loadCategories(), loadPlaces()]);
  if (!categories.length || !places.ready) {
    $("boot-message").textContent = "The categories and wards are not on this phone yet. Open this page once with signal, then it works without.";
    registerWorker();
    sync.onState(refresh);
    sync.start(); // anything already queued can still go
    await renderStatus();
    return;
  }
  const location = new Location(places);
  const list = new SavedList({
    undoMinutes: Number(root.dataset.undoMinutes),
    onEdit: async (record) => {
      // Refused for its category? The list on the phone may be out of date: fetch it again.
      if (record.errors && record.errors.category) forms.concern.setCategories(await loadCategories());
      forms.concern.edit(record);
    },
  });
  const concern = new ConcernForm({
    categories, location, owner,
    onSaved: (record, wasEdit) => {
      if (!wasEdit) list.justSaved(record);
      list.render();
      sync.soon();
    },
  });
  const meetingForm = new MeetingForm({
    places, owner,
    onStart: async (record) => {
      sync.soon();
      await openMeeting(record);
      // Starting a meeting in a ward brings its brief too: the planned meeting's, else this one's.
      brief.fetchForWard(record.data.ward_codes[0], record.data.date, record.id).then(renderBriefButton).catch(() => {});
    },
    onResume: (record) => openMeeting(record),
    onCancel: (record) => (record ? openMeeting(record) : forms.meeting.show()),
  });
  const brief = new BriefView({
    owner,
    onOpen: () => { showScreen("brief"); window.scrollTo(0, 0); },
    onStart: (plan) => meetingForm.startPlanned(plan),
    // Back where the officer was: the meeting being recorded, else the start screen.
    onClose: () => { showScreen(meeting ? "concern" : "meeting"); window.scrollTo(0, 0); },
  });
  forms = { location, list, concern, meeting: meetingForm, brief };
  $("end-meeting").addEventListener("click", endMeeting);
  $("open-brief").addEventListener("click", () => brief.open($("open-brief").dataset.meeting));
  $("fix-meeting").addEventListener("click", () => { showScreen("meeting"); meetingForm.edit(meeting); });

  const currentId = await store.getMeta("current-meeting");
  const current = currentId ? await store.get("meetings", currentId) : null;
  $("boot-message").hidden = true;
  if (current && !current.ended_at) {
    await openMeeting(current, { focus: false });
  } else {
    await meetingForm.show();
    showScreen("meeting");
  }
  store.onChange(refresh);
  store.onChange(() => brief.refresh());
  brief.showPlanned().catch(() => {});
  sync.onState(() => { keepLogoutTokenFresh(); refresh(); });
  window.addEventListener("online", async () => {
    refresh();
    brief.showPlanned().catch(() => {});
    concern.setCategories(await loadCategories());
  });
  window.addEventListener("offline", refresh);
  sync.start();
  await renderStatus();
  root.dataset.ready = "true";
  prepareForLater(places);
}

boot().catch((err) => {
  $("boot-message").textContent = `Capture could not start: ${err.message}. Anything saved is still on this phone; reload to try again.`;
  throw err;
});
