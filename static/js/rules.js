// The rule pages: rows of the editor moved and removed in place, the threshold shown for time-based
// events, keyword rows added from a template, and the list's rules reordered by dragging.
(function () {
  "use strict";

  function rowOf(el) { return el.closest(".rule-item, [data-kw-row]"); }

  // Up / down / remove on a condition, action or keyword row: the order of the rows is the order saved.
  document.addEventListener("click", function (event) {
    const move = event.target.closest("[data-row-move]");
    const remove = event.target.closest("[data-row-remove]");
    if (move) {
      const row = rowOf(move);
      if (!row) return;
      if (move.dataset.rowMove === "up" && row.previousElementSibling) row.parentNode.insertBefore(row, row.previousElementSibling);
      else if (move.dataset.rowMove === "down" && row.nextElementSibling) row.parentNode.insertBefore(row.nextElementSibling, row);
      row.classList.remove("moved"); void row.offsetWidth; row.classList.add("moved");
      move.focus();
    } else if (remove) {
      const row = rowOf(remove);
      if (!row) return;
      const next = row.nextElementSibling || row.previousElementSibling;
      const list = row.parentNode;
      row.remove();
      const focusable = next && next.querySelector("select, input:not([type=hidden])");
      if (focusable) focusable.focus();
      else { const add = list.closest("fieldset") && list.closest("fieldset").querySelector(".add-row"); if (add) add.focus(); }
    }
    const addKw = event.target.closest("[data-add-keyword]");
    if (addKw) addKeyword();
  });

  function addKeyword() {
    const template = document.getElementById("kw-template");
    const body = document.getElementById("kw-rows");
    if (!template || !body) return;
    const used = Array.from(body.querySelectorAll("input[name=keywords]")).map(function (i) { return parseInt(i.value.slice(1), 10) || 0; });
    const key = "k" + (used.length ? Math.max.apply(null, used) + 1 : 0);
    const html = template.innerHTML.replace(/k__/g, key);
    body.insertAdjacentHTML("beforeend", html);
    const input = document.getElementById(key + "-text");
    if (input) input.focus();
  }

  // The threshold ("after N days") belongs to the time-based events only.
  function showThreshold(select) {
    const form = select.form;
    const units = JSON.parse(form.dataset.units || "{}");
    const field = form.querySelector("[data-threshold]");
    if (!field) return;
    const unit = units[select.value];
    field.hidden = !unit;
    const label = field.querySelector("[data-unit]");
    if (label && unit) label.textContent = unit;
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-event-select]")) showThreshold(event.target);
  });

  // Drag to reorder the rules of one event; the new order is saved at once.
  let dragged = null;
  document.addEventListener("dragstart", function (event) {
    const row = event.target.closest && event.target.closest("table.rules tr.rule-row");
    if (!row) return;
    dragged = row;
    row.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.dataset.rule);
  });
  function clearMarks() {
    document.querySelectorAll(".drop-above, .drop-below").forEach(function (r) { r.classList.remove("drop-above", "drop-below"); });
  }
  function target(event) {
    const row = event.target.closest && event.target.closest("table.rules tr.rule-row");
    if (!row || !dragged || row === dragged || row.parentNode !== dragged.parentNode) return null;
    return row;
  }
  document.addEventListener("dragover", function (event) {
    const row = target(event);
    if (!row) return;
    event.preventDefault();
    clearMarks();
    const box = row.getBoundingClientRect();
    row.classList.add(event.clientY < box.top + box.height / 2 ? "drop-above" : "drop-below");
  });
  document.addEventListener("drop", function (event) {
    const row = target(event);
    if (!row) return;
    event.preventDefault();
    const above = row.classList.contains("drop-above");
    clearMarks();
    row.parentNode.insertBefore(dragged, above ? row : row.nextElementSibling);
    const table = row.closest("table.rules");
    const ids = Array.from(table.querySelectorAll("tr.rule-row")).map(function (r) { return r.dataset.rule; });
    const filters = document.getElementById("rule-filters");
    const values = { rule: ids, moved: dragged.dataset.rule };
    if (filters) { values.event = filters.elements.event.value; values.store = filters.elements.store.value; }
    if (window.htmx) htmx.ajax("POST", table.dataset.reorder, { source: table, target: "#rules-list", swap: "innerHTML", values: values });
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    clearMarks();
  });
})();
