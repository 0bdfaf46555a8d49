// Laurel's few behaviours. No inline scripts anywhere (the Content Security Policy forbids them).
(function () {
  "use strict";
  function showToasts(root) {
    if (!window.bootstrap) return;
    root.querySelectorAll("[data-laurel-toast]").forEach(function (el) {
      if (el.dataset.shown) return;
      el.dataset.shown = "1";
      new bootstrap.Toast(el, { delay: 6000 }).show();
    });
  }
  // A form whose button carries data-confirm asks first (revoke, remove a member...).
  document.addEventListener("submit", function (event) {
    var button = event.submitter;
    var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });
  // "Select all" checkboxes: data-select-all="name-of-the-boxes".
  document.addEventListener("change", function (event) {
    var name = event.target.dataset && event.target.dataset.selectAll;
    if (!name) return;
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
  // The language switcher is a <details> (it works without JavaScript); with it, a click
  // elsewhere or Escape closes it, as a menu would.
  function closeSwitchers(except) {
    document.querySelectorAll("details.language-switcher[open]").forEach(function (menu) {
      if (menu !== except) menu.removeAttribute("open");
    });
  }
  document.addEventListener("click", function (event) {
    closeSwitchers(event.target.closest && event.target.closest("details.language-switcher"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelector("details.language-switcher[open]");
    if (!open) return;
    open.removeAttribute("open");
    open.querySelector("summary").focus();
  });
  document.addEventListener("DOMContentLoaded", function () { showToasts(document); });
  document.addEventListener("htmx:afterSettle", function (event) { showToasts(event.target); });
})();
