// The repeat widget (app/forms/rows.py): "Add another row" copies the last row of a group with its inputs
// emptied and renumbered (<field>.<row>.<column>, ids field-<field>-<row>-<column>), and moves focus to it.
// Without JavaScript the button stays hidden and the blank rows the server renders are used instead.
(function () {
  "use strict";
  function renumber(value, field, row) {
    return value
      .replace(new RegExp("^" + field + "\\.\\d+\\."), field + "." + row + ".")
      .replace(new RegExp("field-" + field + "-\\d+"), "field-" + field + "-" + row);
  }
  function addRow(section, field) {
    var rows = section.querySelectorAll("fieldset.repeat-row");
    var last = rows[rows.length - 1];
    var copy = last.cloneNode(true);
    var next = rows.length;
    copy.id = renumber(copy.id, field, next);
    copy.querySelectorAll(".error-message").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".field-error").forEach(function (el) { el.classList.remove("field-error"); });
    copy.querySelectorAll("[id],[for],[name],[aria-describedby]").forEach(function (el) {
      ["id", "for", "name"].forEach(function (attr) {
        if (el.hasAttribute(attr)) { el.setAttribute(attr, renumber(el.getAttribute(attr), field, next)); }
      });
      if (el.hasAttribute("aria-describedby")) {
        var refs = el.getAttribute("aria-describedby").split(" ").filter(function (ref) { return !/-error$/.test(ref); });
        if (refs.length) { el.setAttribute("aria-describedby", refs.map(function (ref) { return renumber(ref, field, next); }).join(" ")); }
        else { el.removeAttribute("aria-describedby"); }
      }
      el.removeAttribute("aria-invalid");
      if (el.tagName === "INPUT") { if (el.type === "checkbox") { el.checked = false; } else { el.value = ""; } }
    });
    var legend = copy.querySelector("legend");
    if (legend) { legend.textContent = legend.textContent.replace(/\d+/, String(next + 1)); }
    last.after(copy);
    var first = copy.querySelector("input");
    if (first) { first.focus(); }
  }
  document.querySelectorAll("button[data-repeat-add]").forEach(function (button) {
    if (button.dataset.ready) { return; }
    button.dataset.ready = "1";
    var field = button.dataset.repeatAdd;
    var section = button.closest("[data-repeat]");
    button.hidden = false;
    var max = parseInt(button.dataset.max, 10);
    function full() { return section.querySelectorAll("fieldset.repeat-row").length >= max; }
    button.disabled = full();
    button.addEventListener("click", function () {
      if (!full()) { addRow(section, field); }
      button.disabled = full();
    });
  });
})();
