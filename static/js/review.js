// The review screen: a header tick box selects or clears every report of its
// group, and shows "some" when only part of the group is ticked. Without
// JavaScript the reviewer ticks rows one by one; nothing else depends on it.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("review-form");
  if (!form) return;
  function rows(group) {
    return form.querySelectorAll('input[name="report"][data-group="' + group + '"]');
  }
  function refresh(all) {
    var boxes = rows(all.getAttribute("data-select-all"));
    var ticked = Array.prototype.filter.call(boxes, function (box) { return box.checked; }).length;
    all.checked = boxes.length > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
  }
  var heads = form.querySelectorAll("input[data-select-all]");
  Array.prototype.forEach.call(heads, function (all) {
    refresh(all);
    all.addEventListener("change", function () {
      Array.prototype.forEach.call(rows(all.getAttribute("data-select-all")), function (box) {
        box.checked = all.checked;
      });
      refresh(all);
    });
  });
  form.addEventListener("change", function (event) {
    var group = event.target.getAttribute && event.target.getAttribute("data-group");
    if (!group) return;
    var all = form.querySelector('input[data-select-all="' + group + '"]');
    if (all) refresh(all);
  });
});
