// Panels that fold on a phone: the inbox's filters and bulk bar, the map's filters. On a
// phone the list or the map comes first and each panel waits behind its button; on a
// wider screen they start open. Without this file they stay folded, each one tap away.
(function () {
  "use strict";
  if (!window.matchMedia || !window.matchMedia("(min-width: 48em)").matches) { return; }
  document.querySelectorAll("details[data-open-wide]").forEach(function (panel) {
    panel.open = true;
  });
}());
