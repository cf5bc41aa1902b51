// A minute (SESSION_WARNING_SECONDS) before a signed-in session ends for inactivity, ask whether the person is still there
// (WCAG 2.2.1). Typing or clicking on the page counts as being there: the session is kept alive
// without asking. When the session has ended, reload, so that no patient information stays on screen.
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  var WARN_SECONDS = Number(dialog.dataset.warningSeconds);
  var form = dialog.querySelector("form");
  var statusUrl = dialog.dataset.statusUrl;
  var idleSeconds = Number(dialog.dataset.idleMinutes) * 60;
  var lastTouched = Date.now();
  var lastKept = Date.now();
  var timer = null;

  ["keydown", "pointerdown", "input"].forEach(function (name) {
    document.addEventListener(name, function () { lastTouched = Date.now(); }, { passive: true });
  });

  function later(seconds, then) {
    window.clearTimeout(timer);
    timer = window.setTimeout(then, Math.max(1, seconds) * 1000);
  }

  function keepAlive() {
    lastKept = Date.now();
    return fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (dialog.open) {
          dialog.close();
        }
        later(data.seconds_left - WARN_SECONDS, check);
      });
  }

  function check() {
    fetch(statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var left = data.seconds_left;
        if (left <= 0) {
          window.location.reload();
        } else if (left > WARN_SECONDS + 5) {
          // Another tab kept the session alive.
          if (dialog.open) {
            dialog.close();
          }
          later(left - WARN_SECONDS, check);
        } else if (lastTouched > lastKept) {
          keepAlive();
        } else {
          if (!dialog.open) {
            dialog.showModal();
          }
          later(left, check);
        }
      })
      .catch(function () { later(15, check); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    keepAlive();
  });
  later(idleSeconds - WARN_SECONDS, check);
})();
