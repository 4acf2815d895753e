// "Download this map (HTML)" on /maps: the file gets the filters chosen since the page
// loaded (they live in the filter form), not only those it was opened with.
(function () {
  "use strict";
  document.querySelectorAll("form[data-follow-filters]").forEach(function (download) {
    download.addEventListener("submit", function () {
      var filters = document.getElementById(download.dataset.followFilters);
      if (!filters) { return; }
      download.querySelectorAll("input.filter-value").forEach(function (input) { input.remove(); });
      new FormData(filters).forEach(function (value, name) {
        if (!value) { return; }
        var input = document.createElement("input");
        input.type = "hidden";
        input.className = "filter-value";
        input.name = name;
        input.value = value;
        download.append(input);
      });
    });
  });
})();
