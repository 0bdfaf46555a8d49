// Settings pages: copy a secret shown once (an API key, a webhook secret, an invitation link).
(function () {
  "use strict";
  // On a phone the section links scroll sideways: bring the current one into view.
  document.addEventListener("DOMContentLoaded", function () {
    var active = document.querySelector(".settings-nav .nav-link.active");
    if (!active) return;
    var nav = active.closest(".nav");
    var offset = active.getBoundingClientRect().left - nav.getBoundingClientRect().left;
    nav.scrollLeft += offset - 16;
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var field = document.querySelector(button.dataset.copy);
    if (!field) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.dataset.copied || "Copied";
      button.classList.replace("btn-outline-secondary", "btn-success");
      setTimeout(function () {
        button.textContent = label;
        button.classList.replace("btn-success", "btn-outline-secondary");
      }, 2000);
    };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
