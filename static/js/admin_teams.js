// Team form: "all / none" for each authority's wards, and the ward list shown only
// when the team covers a list of wards. The form works the same without this file.
(function () {
  "use strict";
  var form = document.querySelector("form.admin-form");
  if (!form) { return; }

  form.querySelectorAll("fieldset.ward-group").forEach(function (group) {
    var boxes = group.querySelectorAll("input[type=checkbox]");
    var bar = document.createElement("p");
    bar.className = "tick-all";
    [["All", true], ["None", false]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button small";
      button.textContent = pair[0];
      button.setAttribute("aria-label", pair[0] + " of " + group.querySelector("legend").firstChild.textContent.trim());
      button.addEventListener("click", function () {
        boxes.forEach(function (box) { box.checked = pair[1]; });
      });
      bar.appendChild(button);
    });
    group.insertBefore(bar, group.querySelector(".choice"));
  });

  // A ward typed or picked by name in the "add wards" box is ticked at once and the box
  // emptied for the next; without this file the server ticks the wards named in it.
  var adder = form.querySelector(".add-wards input[list]");
  var status = document.getElementById("add-wards-status");
  if (adder) {
    adder.addEventListener("change", function () {
      var typed = adder.value.trim().toLowerCase();
      var option = Array.prototype.find.call(adder.list.options, function (o) {
        return o.value.toLowerCase() === typed;
      });
      var box = option && document.getElementById("wards-" + option.dataset.code);
      if (!box) { return; }
      box.checked = true;
      adder.value = "";
      if (status) { status.textContent = "Ticked " + option.label + "."; }
    });
  }

  var wards = form.querySelector("fieldset.wards");
  var radios = form.querySelectorAll("fieldset.coverage input[type=radio]");
  function showWards() {
    var chosen = form.querySelector("fieldset.coverage input[type=radio]:checked");
    if (wards) { wards.hidden = Boolean(chosen) && chosen.value !== "wards"; }
  }
  radios.forEach(function (radio) { radio.addEventListener("change", showWards); });
  showWards();
})();
