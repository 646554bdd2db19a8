// The service hall: confirmations on buttons, and the repeatable rows of a correction notice.
(function () {
  "use strict";
  // A button that asks first (yaojian.js confirms whole forms; these are single buttons).
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
  });
  // "Add a row" of a Django formset: clone the empty form, renumber, bump TOTAL_FORMS.
  document.querySelectorAll("[data-formset]").forEach(function (formset) {
    const prefix = formset.getAttribute("data-formset");
    const total = formset.querySelector("#id_" + prefix + "-TOTAL_FORMS");
    const template = formset.querySelector("template[data-empty-form]");
    const rows = formset.querySelector("[data-rows]");
    const add = formset.querySelector("[data-add-row]");
    if (!total || !template || !rows || !add) return;
    add.addEventListener("click", function () {
      const index = parseInt(total.value, 10);
      const html = template.innerHTML.replace(/__prefix__/g, String(index));
      rows.insertAdjacentHTML("beforeend", html);
      total.value = String(index + 1);
      const inputs = rows.querySelectorAll("input");
      if (inputs.length) inputs[inputs.length - 2].focus();
    });
  });
})();
