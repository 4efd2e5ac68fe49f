// The approvals queue: keys like the inbox's (j / k move, x ticks, Enter opens the ticket), plus
// a approves and r rejects the refund shown in the detail pane; the pane follows the selection.
(function () {
  "use strict";

  function rows() { return Array.from(document.querySelectorAll("tr.approval-row")); }
  function selectedIndex() { return rows().findIndex(function (r) { return r.classList.contains("selected"); }); }
  function boxes() { return Array.from(document.querySelectorAll("tr.approval-row input[type=checkbox]:not([disabled])")); }

  function typing(event) {
    const t = event.target;
    if (t && t.tagName === "INPUT" && t.type === "checkbox") return false;
    return t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
  }

  function mark(row) {
    rows().forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    row.classList.add("selected");
    row.setAttribute("aria-selected", "true");
  }

  function show(row) {
    mark(row);
    row.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
    const pane = document.getElementById("approval-detail");
    if (window.htmx && pane && pane.querySelector("[data-refund]")?.dataset.refund !== row.dataset.refund) {
      htmx.ajax("GET", row.dataset.pane, { target: "#approval-detail", swap: "innerHTML" });
    }
    history.replaceState(null, "", "?refund=" + row.dataset.refund);
  }

  function select(index) {
    const all = rows();
    if (!all.length) return;
    show(all[Math.max(0, Math.min(index, all.length - 1))]);
  }

  function bulkChanged() {
    const bar = document.querySelector("[data-approvals-bulk]");
    if (!bar) return;
    const count = boxes().filter(function (b) { return b.checked; }).length;
    bar.querySelector("[data-bulk-count]").textContent = String(count);
    bar.querySelectorAll("[data-bulk-apply]").forEach(function (b) { b.disabled = count === 0; });
    bar.classList.toggle("active", count > 0);
  }

  function press(selector) {
    const el = document.querySelector(selector);
    if (el && !el.disabled) { el.click(); return true; }
    return false;
  }

  function reject() {
    const note = document.getElementById("decision-note");
    if (!note) return false;
    if (note.value.trim()) return press('[data-decide] [data-decision="reject"]');
    note.closest("form").classList.add("asking-why");
    note.focus();
    return true;
  }

  function bulk(decision) {
    if (!boxes().some(function (b) { return b.checked; })) return false;
    const bar = document.querySelector("[data-approvals-bulk]");
    const note = bar.querySelector("input[name=note]");
    if (decision === "reject" && !note.value.trim()) { note.focus(); return true; }
    return press('[data-approvals-bulk] button[value="' + decision + '"]');
  }

  document.addEventListener("keydown", function (event) {
    if (!document.getElementById("approvals")) return;
    const t = event.target;
    // In the comment: Ctrl+Enter rejects (with the reason just typed), Escape goes back to the list.
    if (t && t.id === "decision-note") {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { press('[data-decide] [data-decision="reject"]'); event.preventDefault(); }
      else if (event.key === "Escape") { t.blur(); const row = rows()[selectedIndex()]; if (row) row.focus(); }
      return;
    }
    if (event.metaKey || event.ctrlKey || event.altKey || typing(event)) return;
    const key = event.key;
    let done = false;
    if (key === "j") { select(selectedIndex() + 1); done = true; }
    else if (key === "k") { select(selectedIndex() - 1); done = true; }
    else if (key === "x") {
      const row = rows()[selectedIndex()];
      const box = row && row.querySelector("input[type=checkbox]:not([disabled])");
      if (box) { box.checked = !box.checked; lastChecked = box; bulkChanged(); done = true; }
    }
    else if (key === "Enter") {
      const row = rows()[selectedIndex()];
      if (row && !(t && t.closest && t.closest("a, button, summary"))) { window.location = row.dataset.ticket; done = true; }
    }
    else if (key === "a") { done = press('[data-decide] [data-decision="approve"]'); }
    else if (key === "r") { done = reject(); }
    else if (key === "A") { done = bulk("approve"); }
    else if (key === "R") { done = bulk("reject"); }
    if (done) event.preventDefault();
  });

  // A click on a row shows it in the pane; ticks and links keep their own meaning.
  let lastChecked = null;
  document.addEventListener("click", function (event) {
    const box = event.target.closest("tr.approval-row input[type=checkbox]");
    if (box) {
      if (event.shiftKey && lastChecked && lastChecked !== box) {
        const all = boxes();
        const [a, b] = [all.indexOf(lastChecked), all.indexOf(box)].sort(function (x, y) { return x - y; });
        if (a >= 0) all.slice(a, b + 1).forEach(function (b2) { b2.checked = box.checked; });
      }
      lastChecked = box;
      bulkChanged();
      return;
    }
    const row = event.target.closest("tr.approval-row");
    if (!row || event.target.closest("input, button, label") || event.metaKey || event.ctrlKey) return;
    event.preventDefault();  // the subject link loads the whole page; here only the pane changes
    scrollToPane = window.matchMedia("(max-width: 1100px)").matches;  // the pane sits below the list
    show(row);
  });
  let scrollToPane = false;
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!scrollToPane || !event.detail.target || event.detail.target.id !== "approval-detail") return;
    scrollToPane = false;
    event.detail.target.scrollIntoView({ block: "start" });
  });

  // After a decision: tell the server which refund comes next (the row below the one decided),
  // so the pane moves on; keep the keys on the list.
  document.addEventListener("htmx:configRequest", function (event) {
    const form = event.detail.elt.closest && event.detail.elt.closest("[data-decide]");
    if (!form) return;
    const all = rows();
    const i = all.findIndex(function (r) { return r.dataset.refund === form.querySelector("input[name=refund]").value; });
    const next = all[i + 1] || all[i - 1];
    if (next) event.detail.parameters.next = next.dataset.refund;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "approvals") return;
    bulkChanged();
    const row = rows()[selectedIndex()];
    if (row) { row.focus({ preventScroll: true }); history.replaceState(null, "", "?refund=" + row.dataset.refund); }
    else history.replaceState(null, "", "?");
  });
  document.addEventListener("DOMContentLoaded", function () {
    const row = rows()[selectedIndex()];
    if (row) row.focus({ preventScroll: true });
  });
})();
