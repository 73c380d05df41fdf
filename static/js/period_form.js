// The unit's period form (templates/progress/period_form.html). Progressive enhancement: without
// it the form still saves and submits through its buttons. With it:
// - a changed row is saved as a draft after a pause (the form's data-autosave endpoint, the same
//   per-row save as the Save draft button), each row's version kept up to date from the answer;
// - leaving the page with changes not yet saved asks first, but not after a save or submit click;
// - Tab and Enter move down the value column (Shift goes back); after the last value Tab goes on
//   to the rows' notes, which move among themselves, so both lanes are reachable by keyboard;
// - a task item's "needed to submit" mark on problems follows the standing chosen.
(function () {
  "use strict";
  var form = document.getElementById("period-form");
  if (!form) return;
  var ROW_FIELD = /^r\d+-(value|value_note|progress|problems|next_steps|confirmed)$/;

  function rows() {
    return Array.prototype.slice.call(form.querySelectorAll("tr[data-row]"));
  }

  function rowFields(row) {
    return Array.prototype.filter.call(row.querySelectorAll("input, select, textarea"), function (el) {
      return el.name && ROW_FIELD.test(el.name);
    });
  }

  // What a row holds now, as one string, to tell a changed row from an unchanged one.
  function serialize(row) {
    return rowFields(row)
      .map(function (el) {
        return el.name + "=" + (el.type === "checkbox" ? String(el.checked) : el.value);
      })
      .join("\u0000");
  }

  // The state the server holds for each row (null: the page holds typing the server refused).
  var stored = {};
  var lastSent = {};
  var conflicted = {};
  rows().forEach(function (row) {
    stored[row.dataset.row] = row.hasAttribute("data-unsaved") ? null : serialize(row);
  });

  function isDirty(row) {
    return stored[row.dataset.row] !== serialize(row);
  }

  function anyDirty() {
    return rows().some(isDirty);
  }

  // --- status line -------------------------------------------------------------------------
  var status = document.getElementById("autosave-status");
  function say(text) {
    if (status) status.textContent = text || "";
  }

  // --- messages beside the fields -----------------------------------------------------------
  // Where a field's message goes: after the field (the value's unit, the confirmation's label).
  function anchorOf(row, name) {
    if (name === "value") return row.querySelector(".with-unit") || row.querySelector("[data-value-field]");
    if (name === "confirmed") return row.querySelector("[data-confirm]") || anchorOf(row, "value_note");
    return row.querySelector("[name$='-" + name + "']");
  }

  function showErrors(row, errors) {
    row.querySelectorAll("[data-error-for]").forEach(function (slot) {
      if (!errors[slot.getAttribute("data-error-for")]) slot.remove();
    });
    Object.keys(errors).forEach(function (name) {
      var slot = row.querySelector("[data-error-for='" + name + "']");
      if (!slot) {
        var anchor = anchorOf(row, name);
        if (!anchor) return;
        slot = document.createElement("div");
        slot.className = "error";
        slot.setAttribute("data-error-for", name);
        anchor.insertAdjacentElement("afterend", slot);
      }
      slot.textContent = errors[name];
    });
    if (errors.confirmed && !row.querySelector("[data-confirm]")) {
      // The figure is unusual: offer the confirmation the server asks for, as a save would.
      var label = document.createElement("label");
      label.className = "confirm";
      label.setAttribute("data-confirm", "");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = "r" + row.dataset.row + "-confirmed";
      box.value = "1";
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + form.getAttribute("data-text-confirm")));
      var slot = row.querySelector("[data-error-for='confirmed']");
      slot.insertAdjacentElement("beforebegin", label);
    }
    row.classList.toggle("has-error", Object.keys(errors).length > 0);
  }

  // --- autosave -----------------------------------------------------------------------------
  var url = form.getAttribute("data-autosave");
  var delay = parseInt(form.getAttribute("data-autosave-delay") || "2000", 10);
  var timer = null;
  var inFlight = null;
  var submitting = false;
  var waitingSubmitter = null;

  function schedule() {
    if (!url || submitting) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(autosave, delay);
  }

  function autosave() {
    timer = null;
    if (submitting) return;
    if (inFlight) {
      schedule();
      return;
    }
    var changed = rows().filter(function (row) {
      var id = row.dataset.row;
      return !conflicted[id] && isDirty(row) && lastSent[id] !== serialize(row);
    });
    if (!changed.length) return;
    var body = new FormData();
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) body.append(token.name, token.value);
    var sent = {};
    changed.forEach(function (row) {
      row.querySelectorAll("input, select, textarea").forEach(function (el) {
        if (!el.name || el.type === "file" || (el.type === "checkbox" && !el.checked)) return;
        if (el.name.indexOf("r" + row.dataset.row + "-") !== 0) return;
        body.append(el.name, el.value);
      });
      sent[row.dataset.row] = serialize(row);
    });
    say(form.getAttribute("data-text-saving"));
    inFlight = fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) throw new Error("not saved");
        return response.json();
      })
      .then(function (answer) {
        changed.forEach(function (row) {
          var id = row.dataset.row;
          lastSent[id] = sent[id];
          var errors = (answer.errors || {})[id];
          var conflict = (answer.conflicts || {})[id];
          if (conflict) {
            conflicted[id] = true;
            showErrors(row, { value: conflict });
          } else if (errors) {
            showErrors(row, errors);
          } else if (answer.versions && id in answer.versions) {
            row.querySelector("[data-version]").value = answer.versions[id];
            stored[id] = sent[id];
            row.removeAttribute("data-unsaved");
            showErrors(row, {});
          }
        });
        say(answer.status);
      })
      .catch(function () {
        say(form.getAttribute("data-text-failed"));
      })
      .then(function () {
        inFlight = null;
        if (waitingSubmitter) {
          var submitter = waitingSubmitter;
          waitingSubmitter = null;
          submitting = true;
          if (form.requestSubmit) form.requestSubmit(submitter);
          else submitter.click();
        } else if (rows().some(function (row) { return isDirty(row) && lastSent[row.dataset.row] !== serialize(row); })) {
          schedule();
        }
      });
  }

  form.addEventListener("input", function (event) {
    if (!event.target.closest || !event.target.closest("tr[data-row]")) return;
    say(form.getAttribute("data-text-unsaved"));
    schedule();
  });
  form.addEventListener("change", function (event) {
    var field = event.target;
    var row = field.closest && field.closest("tr[data-row]");
    if (!row) return;
    if (field.matches("select[data-standing]")) {
      row.querySelectorAll("[data-required-when]").forEach(function (mark) {
        mark.hidden = field.value !== mark.getAttribute("data-required-when");
      });
    }
    say(form.getAttribute("data-text-unsaved"));
    schedule();
  });

  // A save or submit click leaves the page on purpose: no warning. If an autosave is on its
  // way, the click waits for it, so that the form carries the versions it brings back.
  form.addEventListener("submit", function (event) {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (inFlight && !submitting) {
      event.preventDefault();
      waitingSubmitter = event.submitter || form.querySelector("button[value=save]");
      return;
    }
    submitting = true;
  });

  // Uploading evidence reloads the page (its own form, outside this one): the typed rows are
  // saved as a draft first by the autosave, then the file goes; a row the save refused keeps
  // the leave warning, so nothing typed is lost without a question.
  document.addEventListener(
    "submit",
    function (event) {
      var upload = event.target;
      if (!upload.id || upload.id.indexOf("evidence-") !== 0 || upload.dataset.saved) return;
      if (!url || (!anyDirty() && !inFlight)) return;
      event.preventDefault();
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      var send = function () {
        upload.dataset.saved = "1";
        if (!anyDirty()) submitting = true;
        if (upload.requestSubmit) upload.requestSubmit();
        else upload.submit();
      };
      (inFlight || Promise.resolve()).then(function () {
        autosave();
        (inFlight || Promise.resolve()).then(send);
      });
    },
    true
  );

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !anyDirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // --- keyboard: two lanes ------------------------------------------------------------------
  function visible(el) {
    return !el.disabled && el.type !== "hidden" && !el.closest("[hidden]") && el.getClientRects().length > 0;
  }
  function valueLane() {
    return Array.prototype.filter.call(form.querySelectorAll("tr[data-row] [data-value-field]"), visible);
  }
  function noteLane() {
    return Array.prototype.filter.call(
      form.querySelectorAll("tr[data-row] input, tr[data-row] select, tr[data-row] textarea, tr[data-row] button"),
      function (el) {
        return !el.hasAttribute("data-value-field") && visible(el);
      }
    );
  }
  function go(el) {
    if (!el) return false;
    el.focus();
    if (el.select && el.tagName === "INPUT" && el.type !== "checkbox") el.select();
    return true;
  }

  form.addEventListener("keydown", function (event) {
    if (event.isComposing || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key !== "Tab" && event.key !== "Enter") return;
    var field = event.target;
    if (field.hasAttribute && field.hasAttribute("data-value-field")) {
      var values = valueLane();
      var i = values.indexOf(field);
      var moved;
      if (event.shiftKey) {
        moved = go(values[i - 1]);
        if (!moved && event.key === "Enter") moved = true; // Enter never submits
      } else {
        moved = go(values[i + 1]) || go(noteLane()[0]) || event.key === "Enter";
      }
      if (moved) {
        event.preventDefault();
        event.stopPropagation(); // the page-wide Enter handler (taizhang.js) has nothing to add
      }
      return;
    }
    if (event.key !== "Tab" || !field.closest || !field.closest("tr[data-row]")) return;
    var notes = noteLane();
    var j = notes.indexOf(field);
    if (j === -1) return;
    var target = event.shiftKey ? notes[j - 1] || valueLane().slice(-1)[0] : notes[j + 1];
    if (target) {
      event.preventDefault();
      go(target);
    }
  });
})();
