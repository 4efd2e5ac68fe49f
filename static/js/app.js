// Aftersales: keyboard shortcuts, toasts and small conveniences. No framework; HTMX does the swaps.
(function () {
  "use strict";

  function typing(event) {
    const t = event.target;
    if (t && t.tagName === "INPUT" && t.type === "checkbox") return false;  // a ticked row keeps the keys
    return t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
  }

  function toast(text, kind) {
    const box = document.getElementById("toasts");
    if (!box || !text) return;
    const el = document.createElement("div");
    el.className = "toast " + (kind || "success");
    el.setAttribute("role", "status");
    el.textContent = text;
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, 4000);
  }

  function rows() { return Array.from(document.querySelectorAll("tr.ticket-row")); }

  function select(index) {
    const all = rows();
    if (!all.length) return;
    const i = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (r) { r.classList.remove("selected"); r.removeAttribute("aria-selected"); });
    all[i].classList.add("selected");
    all[i].setAttribute("aria-selected", "true");
    all[i].focus({ preventScroll: true });
    all[i].scrollIntoView({ block: "nearest" });
  }

  function selectedIndex() { return rows().findIndex(function (r) { return r.classList.contains("selected"); }); }

  function go(which) {
    const link = document.querySelector('a[data-nav="' + which + '"]');
    if (link) { window.location = link.href; return true; }
    return false;
  }

  // A product image the platform no longer serves shows nothing rather than a broken picture.
  document.addEventListener("error", function (event) {
    const el = event.target;
    if (el && el.tagName === "IMG" && el.classList.contains("line-image")) el.remove();
  }, true);

  function click(selector) {
    const el = document.querySelector(selector);
    if (el) { el.click(); return true; }
    return false;
  }

  document.addEventListener("keydown", function (event) {
    if (event.metaKey || event.ctrlKey || event.altKey || typing(event)) return;
    const key = event.key;
    // On a ticket (no rows listed): j / ] and k / [ open the next and previous ticket of its list.
    if (!rows().length && (key === "j" || key === "]")) { if (go("next")) event.preventDefault(); }
    else if (!rows().length && (key === "k" || key === "[")) { if (go("previous")) event.preventDefault(); }
    else if (key === "j") { select(selectedIndex() + 1); event.preventDefault(); }
    else if (key === "k") { select(selectedIndex() - 1); event.preventDefault(); }
    else if (key === "Enter") {
      const row = rows()[selectedIndex()];
      if (row) { window.location = row.dataset.href; event.preventDefault(); }
    }
    else if (key === "/") { const s = document.getElementById("global-search"); if (s) { s.focus(); event.preventDefault(); } }
    else if (key === "n") { const n = document.getElementById("note-body"); if (n) { n.focus(); event.preventDefault(); } }
    else if (key === "x") {
      const row = rows()[selectedIndex()];
      const box = row && row.querySelector("input[type=checkbox]");
      if (box) { box.checked = !box.checked; lastChecked = box; bulkChanged(); event.preventDefault(); }
    }
    else if (key === "r") { const r = document.getElementById("reply-body"); if (r) { r.focus(); event.preventDefault(); } }
    else if (key === "a") { if (click('[data-shortcut="a"]')) event.preventDefault(); }
    else if (key === "e") { if (click('[data-shortcut="e"]')) event.preventDefault(); }
    else if (key === "?") { const d = document.getElementById("shortcuts"); if (d) { d.showModal(); event.preventDefault(); } }
  });

  // Bulk selection: the bar counts the ticked rows; shift-click ticks the range since the last one.
  let lastChecked = null;
  function boxes() { return Array.from(document.querySelectorAll("tr.ticket-row input[type=checkbox]")); }
  function bulkChanged() {
    const bar = document.querySelector("[data-bulk]");
    if (!bar) return;
    const count = boxes().filter(function (b) { return b.checked; }).length;
    bar.querySelector("[data-bulk-count]").textContent = String(count);
    bar.querySelector("[data-bulk-apply]").disabled = count === 0;
    bar.classList.toggle("active", count > 0);
  }
  document.addEventListener("click", function (event) {
    const box = event.target.closest("tr.ticket-row input[type=checkbox]");
    if (!box) return;
    if (event.shiftKey && lastChecked && lastChecked !== box) {
      const all = boxes();
      const [a, b] = [all.indexOf(lastChecked), all.indexOf(box)].sort(function (x, y) { return x - y; });
      if (a >= 0) all.slice(a, b + 1).forEach(function (b2) { b2.checked = box.checked; });
    }
    lastChecked = box;
    bulkChanged();
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-bulk-action]")) {
      const tag = document.querySelector("[data-bulk-tag]");
      if (tag) tag.hidden = !event.target.value.startsWith("tag:");
    }
  });
  document.addEventListener("htmx:afterSwap", bulkChanged);

  // Live inbox: the poller tells the server which rows are on screen (changed ones are replaced in
  // place, new ones go on top); ticks survive the swap, and rows added above keep the view still.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.id !== "inbox-poll") return;
    event.detail.parameters.shown = rows().map(function (r) { return r.dataset.number; }).join(",");
  });
  let ticked = null, heightBefore = 0;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.detail.elt.id !== "inbox-poll") return;
    ticked = new Set(boxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; }));
    heightBefore = document.documentElement.scrollHeight;
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    if (ticked === null) return;
    boxes().forEach(function (b) { if (ticked.has(b.value)) b.checked = true; });
    const grown = document.documentElement.scrollHeight - heightBefore;
    if (grown > 0 && window.scrollY > 0) window.scrollBy(0, grown);
    heightBefore = document.documentElement.scrollHeight;
    bulkChanged();
  });

  document.addEventListener("click", function (event) {
    const row = event.target.closest("tr.ticket-row");
    if (!row || event.target.closest("a, input, button, label")) return;
    window.location = row.dataset.href;
  });

  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.closest("[data-submit-manually]")) return;  // a group of filters with its own Apply button
    if (el.matches("[data-autosubmit]") || el.closest("[data-autosubmit-form]")) el.form.submit();
  });

  // Presence: typing in the reply box tells the ticket page's presence marker (it throttles the ping).
  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "reply-body") document.body.dispatchEvent(new CustomEvent("reply-typing"));
  });

  document.body.addEventListener("toast", function (event) { toast(event.detail.value); });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.htmx) {
      // Our 4xx answers carry an inline error in the partial: show it instead of dropping it.
      htmx.config.responseHandling = [
        { code: "204", swap: false },
        { code: "[23]..", swap: true },
        { code: "40[039]", swap: true, error: false },
        { code: "[45]..", swap: false, error: true },
      ];
    }
    document.body.addEventListener("htmx:responseError", function () { toast(document.body.dataset.errorText, "error"); });
    setTimeout(function () { document.querySelectorAll(".toast").forEach(function (t) { t.remove(); }); }, 5000);
  });
})();
