// Progressive enhancements only: every page works without JavaScript.
document.addEventListener("keydown", function (event) {
  // In forms marked data-no-enter-submit, Enter in a single-line field never
  // submits by accident; it moves to the next field instead.
  if (event.key !== "Enter" || event.isComposing) return;
  var field = event.target;
  var form = field.form;
  if (!form || !form.hasAttribute("data-no-enter-submit")) return;
  if (field.tagName !== "INPUT" || field.type === "submit" || field.type === "button") return;
  event.preventDefault();
  var fields = Array.prototype.filter.call(form.elements, function (el) {
    return !el.disabled && el.type !== "hidden" && el.tabIndex >= 0;
  });
  var next = fields[fields.indexOf(field) + 1];
  if (next) next.focus();
});
