// The day view's Print button (templates/appointments/admin/day_view.html): shown only when this
// script runs, it opens the browser's print dialog; day-view.css leaves the menus off the page.
(function () {
  "use strict";
  var button = document.getElementById("day-print");
  if (!button || typeof window.print !== "function") {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
