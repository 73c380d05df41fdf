// Behaviour every page shares, kept out of the HTML so that the Content Security Policy can
// forbid inline script, event handlers and style attributes. Every page works without it.
(function () {
  "use strict";
  // A select marked data-autosubmit submits its form when changed (a <noscript> button does otherwise).
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches && field.matches("select[data-autosubmit]") && field.form) field.form.submit();
  });
  // A link marked data-print prints the page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-print]");
    if (!link) return;
    event.preventDefault();
    window.print();
  });
  // The task tree: a task's button shows or hides the rows under it (its targets and subtasks);
  // a subtask opened before keeps its own rows open when its parent opens again.
  function rowsUnder(table, id) {
    return table.querySelectorAll('tr[data-parent="' + id + '"]');
  }
  function showUnder(table, id, shown) {
    rowsUnder(table, id).forEach(function (row) {
      row.hidden = !shown;
      var task = row.getAttribute("data-task");
      if (!task) return;
      var button = row.querySelector("button[data-fold]");
      showUnder(table, task, shown && (!button || button.getAttribute("aria-expanded") === "true"));
    });
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button[data-fold]");
    if (!button) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    showUnder(button.closest("table"), button.getAttribute("data-fold"), open);
  });
  // Proportional bars: data-flex sets the share through the CSSOM, which the policy allows.
  function sizeBars() {
    document.querySelectorAll("[data-flex]").forEach(function (el) {
      var share = parseFloat(el.getAttribute("data-flex"));
      if (share > 0) el.style.flexGrow = String(share);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", sizeBars);
  else sizeBars();
})();
