// The inbox: on a phone the list comes first, and the filters and the bulk bar fold
// behind their buttons; on a wider screen they start open. Without this file they stay
// folded, each one tap away.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 48em)").matches) { return; }
  document.querySelectorAll("details[data-open-wide]").forEach(function (panel) {
    panel.open = true;
  });
}());
