// The Panel report's wording, saved as staff type (POST /reports/panel/draft): a
// paragraph is sent about a second after the last key press, and one left as computed
// (or emptied) is sent empty, which takes it back to the computed text. What could not
// be saved stays in its box and in sessionStorage, and is sent again.
(function () {
  "use strict";
  var form = document.getElementById("report-editor");
  var status = document.getElementById("draft-status");
  if (!form || !status || !window.fetch || !window.FormData) { return; }
  var url = form.getAttribute("data-draft-url");
  var boxes = form.querySelectorAll("textarea[data-paragraph]");
  var storeKey = "engage-report-draft:" + ["from", "to", "report_date", "source"].map(function (n) {
    var f = form.elements[n];
    return f ? f.value : "";
  }).join("|");
  var pending = {};
  var timer = null;
  var saving = null;
  var retryDelay = 2000;

  function say(text) { status.textContent = text; }

  function remember() {
    try { window.sessionStorage.setItem(storeKey, JSON.stringify(pending)); } catch { /* private mode */ }
  }

  function boxFor(key) {
    for (var i = 0; i < boxes.length; i += 1) {
      if (boxes[i].getAttribute("data-paragraph") === key) { return boxes[i]; }
    }
    return null;
  }

  function valueOf(box) {
    var text = box.value.trim();
    return text === (box.getAttribute("data-computed") || "").trim() ? "" : text;
  }

  function showEdited(edited) {
    for (var i = 0; i < boxes.length; i += 1) {
      var tools = boxes[i].parentNode.querySelector(".para-tools");
      var on = edited.indexOf(boxes[i].getAttribute("data-paragraph")) !== -1;
      if (tools) { tools.hidden = !on; }
      boxes[i].parentNode.classList.toggle("is-edited", on);
    }
  }

  function send() {
    timer = null;
    var keys = Object.keys(pending);
    if (!keys.length) { return Promise.resolve(); }
    if (saving) { return saving.then(send); }
    var body = new FormData();
    ["csrf_token", "from", "to", "source", "report_date", "panel_date"].forEach(function (n) {
      var f = form.elements[n];
      if (f) { body.append(n, f.value); }
    });
    var sent = {};
    keys.forEach(function (k) { body.append("p:" + k, pending[k]); sent[k] = pending[k]; });
    say("Saving…");
    saving = fetch(url, { method: "POST", body: body, credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (data) { return { ok: r.ok, status: r.status, data: data }; });
      })
      .then(function (answer) {
        saving = null;
        if (answer.ok) {
          Object.keys(sent).forEach(function (k) { if (pending[k] === sent[k]) { delete pending[k]; } });
          remember();
          retryDelay = 2000;
          var at = new Date(answer.data.saved_at);
          say("Wording saved " + at.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) + " by " + answer.data.saved_by + ".");
          showEdited(answer.data.edited || []);
          if (Object.keys(pending).length) { schedule(); }
          return;
        }
        // Refused (bad text, or the report was sent): say why and keep the text; no retry.
        var why = answer.data.error || ("the server answered " + answer.status);
        var named = answer.data.paragraphs ? Object.keys(answer.data.paragraphs) : [];
        named.forEach(function (k) {
          var box = boxFor(k);
          if (box) { box.setAttribute("aria-invalid", "true"); }
        });
        say("Not saved: " + why + (named.length ? " (" + named.map(function (k) { return answer.data.paragraphs[k]; }).join("; ") + ")" : "") + " Your text is kept in the box.");
      })
      .catch(function () {
        saving = null;
        say("Not saved yet: no connection. Your text is kept here and will be sent again.");
        timer = window.setTimeout(send, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      });
    return saving;
  }

  function schedule() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(send, 1000);
  }

  form.addEventListener("input", function (event) {
    var box = event.target;
    if (!box.hasAttribute || !box.hasAttribute("data-paragraph")) { return; }
    box.removeAttribute("aria-invalid");
    pending[box.getAttribute("data-paragraph")] = valueOf(box);
    remember();
    say("Changes not saved yet…");
    schedule();
  });

  // "Back to the computed text" for one paragraph, without reloading the page.
  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button[name=revert]") : null;
    if (!button) { return; }
    event.preventDefault();
    var box = boxFor(button.value);
    if (!box) { return; }
    box.value = box.getAttribute("data-computed") || "";
    pending[button.value] = "";
    remember();
    send();
    box.focus();
  });

  // Leaving the page for another form of it (preview, downloads, adding a meeting) sends what is waiting first.
  function flushThen(target) {
    return function (event) {
      if (!Object.keys(pending).length) { return; }
      event.preventDefault();
      var submitter = event.submitter;
      send().then(function () {
        if (submitter && submitter.name) {
          var extra = document.createElement("input");
          extra.type = "hidden";
          extra.name = submitter.name;
          extra.value = submitter.value;
          target.appendChild(extra);
        }
        HTMLFormElement.prototype.submit.call(target);
      });
    };
  }
  document.querySelectorAll("form").forEach(function (f) { f.addEventListener("submit", flushThen(f)); });

  // Text kept from a visit whose save did not get through: back in its box, and sent again.
  try {
    var kept = JSON.parse(window.sessionStorage.getItem(storeKey) || "{}");
    Object.keys(kept).forEach(function (k) {
      var box = boxFor(k);
      if (box) {
        box.value = kept[k] || box.getAttribute("data-computed") || "";
        pending[k] = kept[k];
      }
    });
    if (Object.keys(pending).length) { schedule(); }
  } catch { /* nothing kept */ }
})();
