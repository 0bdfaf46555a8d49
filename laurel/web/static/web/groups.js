// The group form: add skill rows, and show the expiry amount only when it counts.
(function () {
  "use strict";
  function addSkill() {
    var template = document.getElementById("skill-template");
    var total = document.getElementById("id_skills-TOTAL_FORMS");
    if (!template || !total) return;
    var index = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var rows = document.getElementById("skill-rows");
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var added = rows.lastElementChild;
    var first = added && added.querySelector("input");
    if (first) first.focus();
  }
  function syncExpiry() {
    var unit = document.getElementById("id_expiry_unit");
    var amount = document.querySelector("[data-expiry-amount]");
    if (unit && amount) amount.hidden = unit.value === "never";
  }
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-add-skill]");
    if (button) {
      button.classList.remove("d-none");
      button.addEventListener("click", addSkill);
    }
    var unit = document.getElementById("id_expiry_unit");
    if (unit) unit.addEventListener("change", syncExpiry);
    syncExpiry();
  });
})();
