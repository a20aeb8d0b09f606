// Stage form: show only the evidence fieldset of the chosen target stage. Without JavaScript every
// fieldset stays visible (each legend says when it is required), so the form still works.
(function () {
  function sync(root) {
    (root || document).querySelectorAll("#stage-form").forEach(function (form) {
      var select = form.querySelector("select[name=to_stage]");
      if (!select) return;
      form.querySelectorAll("fieldset.evidence").forEach(function (fieldset) {
        fieldset.hidden = fieldset.dataset.stage !== select.value;
      });
    });
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("#stage-form select[name=to_stage]")) sync();
  });
  document.addEventListener("DOMContentLoaded", function () { sync(); });
  document.addEventListener("htmx:afterSettle", function () { sync(); });
  if (document.readyState !== "loading") sync();
})();
