// yaojian: small behaviours shared by both portals.
(function () {
  "use strict";
  // A session that expired while a page was open: htmx follows the server's HX-Redirect.
  document.body.addEventListener("htmx:responseError", function (event) {
    const target = document.getElementById("htmx-error");
    if (target) {
      target.textContent = event.detail.xhr.status + " " + (event.detail.xhr.statusText || "");
      target.classList.remove("d-none");
    }
  });
  // Open the tab named in the address (#tab-timeline), so that links can point into a file.
  if (window.location.hash.startsWith("#tab-") && window.bootstrap) {
    const trigger = document.querySelector('[data-bs-target="' + window.location.hash + '"]');
    if (trigger) window.bootstrap.Tab.getOrCreateInstance(trigger).show();
  }
  // Confirm dangerous actions declared with data-confirm.
  document.addEventListener("submit", function (event) {
    const message = event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
})();
