// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  // "Select all" for bulk triage.
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      var boxes = document.querySelectorAll("#findings input[name=t]");
      for (var i = 0; i < boxes.length; i++) boxes[i].checked = all.checked;
    });
  }
  // Filters apply as soon as a select changes.
  var filters = document.getElementById("filters");
  if (filters) {
    var selects = filters.querySelectorAll("select, input[type=checkbox]");
    for (var j = 0; j < selects.length; j++) {
      selects[j].addEventListener("change", function () { filters.submit(); });
    }
  }
  // Bulk triage: refuse an empty selection before posting.
  var triage = document.getElementById("triage");
  if (triage) {
    triage.addEventListener("submit", function (e) {
      if (!triage.querySelector("input[name=t]:checked")) {
        e.preventDefault();
        var reason = document.getElementById("bulk-reason");
        if (reason) reason.setCustomValidity("Select at least one finding first.");
        if (reason) reason.reportValidity();
        if (reason) reason.setCustomValidity("");
      }
    });
  }
})();
