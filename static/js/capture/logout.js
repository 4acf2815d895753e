// The site header's Log out, on the capture page: with entries waiting to send it asks
// first (they stay on this phone, sent when the same officer logs in here again); with no
// signal it is off, saying why (logging out needs the server, and would strand them).

const $ = (id) => document.getElementById(id);

// What Log out does now: `waiting` is how many entries are still to send.
export function logoutGuard(waiting, online) {
  return {
    disabled: !online,
    ask: waiting > 0
      ? `${waiting} ${waiting === 1 ? "entry is" : "entries are"} waiting to send. They stay on this phone, and are sent when you log in here again. `
        + "Log out anyway?"
      : null,
  };
}

export class LogoutGuard {
  constructor(form) {
    this.form = form;
    this.button = form ? form.querySelector("button[type=submit], button:not([type])") : null;
    this.guard = logoutGuard(0, true);
    this.confirmed = false;
    if (!form) return;
    form.addEventListener("submit", (e) => {
      if (this.confirmed || !this.guard.ask) return;
      e.preventDefault();
      $("logout-text").textContent = this.guard.ask;
      $("logout-dialog").showModal();
      $("logout-stay").focus(); // the safe choice first
    });
    $("logout-stay").addEventListener("click", () => $("logout-dialog").close());
    $("logout-anyway").addEventListener("click", () => {
      this.confirmed = true;
      $("logout-dialog").close();
      form.requestSubmit(this.button);
    });
  }

  update(waiting, online) {
    this.guard = logoutGuard(waiting, online);
    $("logout-offline").hidden = !this.guard.disabled;
    if (!this.button) return;
    this.button.disabled = this.guard.disabled;
    if (this.guard.disabled) this.button.setAttribute("aria-describedby", "logout-offline");
    else this.button.removeAttribute("aria-describedby");
  }
}
