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
