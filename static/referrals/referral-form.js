// Progressive enhancement of the referral form. Without it the form still works: codes are typed.
(function () {
  "use strict";

  // 1. ICD-10-CM search: results from /referrals/icd10/?q=..., "Add" puts the code in the codes field.
  var box = document.getElementById("icd10-search");
  if (box && window.fetch) {
    var input = document.getElementById("icd10-query");
    var list = document.getElementById("icd10-results");
    var status = document.getElementById("icd10-status");
    var labels = document.getElementById("icd10-labels").dataset;
    var target = document.getElementById(box.dataset.target);
    var timer = null;
    var latest = 0;
    box.classList.remove("d-none");

    var addCode = function (code) {
      var codes = target.value.split(/[\s,;]+/).filter(Boolean);
      if (codes.indexOf(code) === -1) {
        codes.push(code);
      }
      target.value = codes.join(", ");
      status.textContent = code + " " + labels.added;
    };

    var show = function (results) {
      list.replaceChildren();
      results.forEach(function (result) {
        var item = document.createElement("li");
        item.className = "list-group-item d-flex justify-content-between align-items-center gap-2";
        var text = document.createElement("span");
        var strong = document.createElement("strong");
        strong.textContent = result.code;
        text.append(strong, " " + result.description);
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-primary";
        button.textContent = labels.add;
        button.setAttribute("aria-label", labels.add + " " + result.code);
        button.addEventListener("click", function () { addCode(result.code); });
        item.append(text, button);
        list.append(item);
      });
      status.textContent = results.length ? results.length + " " + labels.found : labels.none;
    };

    input.addEventListener("input", function () {
      clearTimeout(timer);
      var query = input.value.trim();
      if (query.length < 2) {
        list.replaceChildren();
        status.textContent = "";
        return;
      }
      timer = setTimeout(function () {
        var request = ++latest;
        fetch(box.dataset.url + "?q=" + encodeURIComponent(query), {credentials: "same-origin"})
          .then(function (response) { return response.json(); })
          .then(function (data) { if (request === latest) { show(data.results || []); } })
          .catch(function () { status.textContent = ""; });
      }, 250);
    });
    // Enter in the search box must not submit the referral.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }

  // 2. Red flags: an emergency or urgent answer shows the "not an emergency service" message at once.
  var alertBox = document.getElementById("red-flag-alert");
  var form = document.getElementById("referral-form");
  if (alertBox && form) {
    var update = function () {
      var flagged = Array.prototype.some.call(
        form.querySelectorAll("input[data-red-flag-tier]:checked"),
        function (radio) {
          var tier = radio.dataset.redFlagTier;
          return (tier === "emergency" || tier === "urgent") && radio.value !== "no";
        }
      );
      alertBox.classList.toggle("d-none", !flagged);
    };
    form.addEventListener("change", function (event) {
      if (event.target.hasAttribute("data-red-flag-tier")) { update(); }
    });
    update();
  }

  // 3. One click, one referral (the server also ignores a second submission of the same form).
  if (form) {
    form.addEventListener("submit", function () {
      var button = document.getElementById("submit-referral");
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  }
})();
