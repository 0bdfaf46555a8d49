// Under review: say how many drafts are selected, and offer "Publish now" only when some are.
// Without this file the button stays enabled and the server says if nothing was chosen.
(function () {
  "use strict";
  function update(form) {
    var boxes = form.querySelectorAll('input[type=checkbox][name="credential"]');
    var chosen = form.querySelectorAll('input[type=checkbox][name="credential"]:checked').length;
    var count = form.querySelector("[data-review-count]");
    var button = form.querySelector("[data-review-publish]");
    var all = form.querySelector("[data-select-all]");
    if (count) count.textContent = chosen ? (form.dataset.selectedWord || "selected").replace("%s", chosen) : "";
    if (button) button.disabled = chosen === 0;
    if (all) {
      all.checked = chosen > 0 && chosen === boxes.length;
      all.indeterminate = chosen > 0 && chosen < boxes.length;
    }
  }
  function updateAll(root) {
    root.querySelectorAll("[data-review-form]").forEach(update);
  }
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("[data-review-form]");
    if (form) update(form);
  });
  document.addEventListener("DOMContentLoaded", function () { updateAll(document); });
  document.addEventListener("htmx:afterSettle", function () { updateAll(document); });
})();
