// Progressive enhancement only: every control works without this file.
(function () {
  "use strict";

  // Body map: the SVG regions mirror the labelled checkboxes, which stay the real controls.
  document.querySelectorAll(".body-map").forEach(function (map) {
    function box(region) {
      return map.querySelector('input[type="checkbox"][value="' + region + '"]');
    }
    function paint() {
      map.querySelectorAll(".region").forEach(function (shape) {
        var input = box(shape.dataset.region);
        shape.classList.toggle("selected", Boolean(input && input.checked));
      });
    }
    map.querySelectorAll(".region").forEach(function (shape) {
      shape.addEventListener("click", function () {
        var input = box(shape.dataset.region);
        if (input) {
          input.checked = !input.checked;
          input.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
    map.addEventListener("change", paint);
    paint();
  });

  // PHQ-9 item 9: crisis resources appear the moment an answer above 0 is chosen.
  var crisis = document.querySelector("[data-live-crisis]");
  if (crisis) {
    var update = function () {
      var chosen = document.querySelector('input[name="phq9__q9"]:checked');
      crisis.classList.toggle("d-none", !(chosen && chosen.value !== "0"));
    };
    document.querySelectorAll('input[name="phq9__q9"]').forEach(function (input) {
      input.addEventListener("change", update);
    });
    update();
  }

  // Warning signs: emergency or same-day guidance appears the moment a yes or not-sure is chosen.
  var live = document.querySelector("[data-live-red-flags]");
  if (live) {
    var fieldsOf = function (tier) {
      return (live.dataset[tier + "Fields"] || "").split(" ").filter(Boolean);
    };
    var answeredYes = function (names) {
      return names.some(function (name) {
        var chosen = document.querySelector('input[name="' + name + '"]:checked');
        return Boolean(chosen && (chosen.value === "yes" || chosen.value === "not_sure"));
      });
    };
    var showLive = function () {
      var emergency = answeredYes(fieldsOf("emergency"));
      var urgent = !emergency && answeredYes(fieldsOf("urgent"));
      live.querySelector('[data-live-tier="emergency"]').classList.toggle("d-none", !emergency);
      live.querySelector('[data-live-tier="urgent"]').classList.toggle("d-none", !urgent);
    };
    fieldsOf("emergency").concat(fieldsOf("urgent")).forEach(function (name) {
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (input) {
        input.addEventListener("change", showLive);
      });
    });
    showLive();
  }

  // Medication, injection and surgery rows: add another row from the formset's empty form.
  document.querySelectorAll("button.add-row").forEach(function (button) {
    var prefix = button.dataset.formset;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById(prefix + "-empty-row");
    var rows = document.querySelector('.formset-rows[data-formset="' + prefix + '"]');
    if (!total || !template || !rows) return;
    button.classList.remove("d-none");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__number__/g, String(index + 1));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      var first = rows.lastElementChild.querySelector("input, select, textarea");
      if (first) first.focus();
    });
  });

  // After a refused save, take keyboard and screen-reader users to the list of what needs attention,
  // unless emergency or crisis guidance is on the page: that must be read first.
  var summary = document.getElementById("error-summary");
  if (summary && !document.querySelector(".safety-alert")) {
    summary.focus();
  }
})();

// Medicine type-ahead: the page's <datalist> holds the drugs that matter before a procedure (so it
// works without this file); here the everyday medicines are added from the app's list.
(function () {
  "use strict";
  var list = document.getElementById("medicine-names");
  if (!list || !list.dataset.moreUrl || !window.fetch) return;
  fetch(list.dataset.moreUrl, { credentials: "same-origin" })
    .then(function (response) {
      return response.ok ? response.json() : { names: [] };
    })
    .then(function (data) {
      var known = new Set(Array.from(list.options).map(function (option) {
        return option.value;
      }));
      var fragment = document.createDocumentFragment();
      data.names.forEach(function (name) {
        if (known.has(name)) return;
        var option = document.createElement("option");
        option.value = name;
        fragment.appendChild(option);
      });
      list.appendChild(fragment);
    })
    .catch(function () {});
})();
