// Progressive enhancements of the import review; the page works without JavaScript
// (the #t-N links jump to the highlighted text by themselves).
(function () {
  "use strict";
  var source = document.getElementById("source");
  if (!source) return;

  function flash(element) {
    element.classList.add("flash");
    window.setTimeout(function () { element.classList.remove("flash"); }, 1600);
  }

  // A target, milestone or past result in the list: scroll the text to its highlight.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-jump]");
    if (!link) return;
    var mark = document.getElementById(link.getAttribute("data-jump"));
    if (!mark) return;
    event.preventDefault();
    var top = mark.offsetTop - source.offsetTop - source.clientHeight / 3;
    if (source.scrollHeight > source.clientHeight) {
      source.scrollTo({ top: Math.max(top, 0), behavior: "smooth" });
    }
    mark.scrollIntoView({ block: "nearest", behavior: "smooth" });
    flash(mark);
  });

  // A highlight in the text: bring its row into view.
  source.addEventListener("click", function (event) {
    var mark = event.target.closest("mark");
    if (!mark) return;
    var id = mark.getAttribute("data-ref") || "";
    var match = /^([tm])-(\d+)$/.exec(id);
    if (!match) return;
    var row = match[1] === "t" ? document.getElementById("row-t" + match[2])
                               : document.querySelector("[data-jump='" + id + "']");
    if (!row) return;
    row.scrollIntoView({ block: "center", behavior: "smooth" });
    var box = row.closest("fieldset.target-row");
    if (box) {
      box.classList.add("current");
      window.setTimeout(function () { box.classList.remove("current"); }, 1600);
    }
  });

  // Keeping or dropping a target shows at once, in its row and in the text.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !/-accepted$/.test(box.name)) return;
    var match = /^([tm])(\d+)-accepted$/.exec(box.name);
    var row = box.closest("fieldset.target-row, ul.import-tree li");
    if (row) row.classList.toggle("dropped", !box.checked);
    if (!match) return;
    var pieces = source.querySelectorAll("mark[data-ref='" + match[1] + "-" + match[2] + "']");
    Array.prototype.forEach.call(pieces, function (mark) { mark.classList.toggle("dropped", !box.checked); });
  });
})();
