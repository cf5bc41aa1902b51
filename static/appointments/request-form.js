// Marks the phone field as needed when the patient asks to be called or texted.
(function () {
  "use strict";
  var form = document.getElementById("appointment-request-form");
  if (!form) {
    return;
  }
  var contact = form.querySelector("[name=contact_preference]");
  var phoneGroup = document.getElementById("div_id_phone");
  if (!contact || !phoneGroup) {
    return;
  }
  function update() {
    var needed = contact.value === "phone" || contact.value === "text";
    phoneGroup.classList.toggle("phone-needed", needed);
    var input = phoneGroup.querySelector("input");
    if (input) {
      input.required = needed;
    }
  }
  contact.addEventListener("change", update);
  update();
})();
