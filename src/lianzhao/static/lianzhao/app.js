// Behaviour every page shares, kept out of the HTML so the Content-Security-Policy can forbid
// inline script and inline style attributes.
(function () {
  "use strict";
  // A <select data-autosubmit> submits its form when changed (the language switcher).
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]") && target.form) target.form.submit();
  });
  // A legend swatch takes its colour from data-swatch (set through the CSSOM, which the policy allows).
  function paintSwatches(root) {
    (root || document).querySelectorAll("[data-swatch]").forEach(function (el) {
      el.style.backgroundColor = el.dataset.swatch;
    });
  }
  document.addEventListener("DOMContentLoaded", function () { paintSwatches(); });
  document.addEventListener("htmx:afterSettle", function (event) { paintSwatches(event.target); });
  if (document.readyState !== "loading") paintSwatches();
})();
