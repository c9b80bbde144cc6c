// The Access Keys page: row selection and row menus. Everything else (search, sort,
// paging, deleting) is htmx talking to the server; dialog.js runs the dialogs.
(function () {
  "use strict";

  function table() {
    return document.getElementById("access-table");
  }

  function updateSelection() {
    var t = table();
    var bulk = document.getElementById("bulk-delete");
    var count = document.getElementById("selection-count");
    if (!t || !bulk) return;
    var boxes = t.querySelectorAll('input[name="ids"]');
    var checked = t.querySelectorAll('input[name="ids"]:checked');
    var all = t.querySelector("[data-select-all]");
    bulk.disabled = checked.length === 0;
    if (count) count.textContent = checked.length ? checked.length + " selected" : "";
    if (all) {
      all.checked = boxes.length > 0 && checked.length === boxes.length;
      all.indeterminate = checked.length > 0 && checked.length < boxes.length;
    }
    boxes.forEach(function (box) {
      box.closest("tr").classList.toggle("is-selected", box.checked);
    });
  }

  document.addEventListener("change", function (e) {
    if (!e.target.closest || !e.target.closest("#access-table")) return;
    if (e.target.matches("[data-select-all]")) {
      table().querySelectorAll('input[name="ids"]').forEach(function (box) {
        box.checked = e.target.checked;
      });
    }
    updateSelection();
  });

  // ----- Row menus -----

  function closeMenus(focusToggle) {
    document.querySelectorAll('[data-menu-toggle][aria-expanded="true"]').forEach(function (toggle) {
      toggle.setAttribute("aria-expanded", "false");
      var menu = document.getElementById(toggle.getAttribute("aria-controls"));
      if (menu) menu.hidden = true;
      if (focusToggle) toggle.focus();
    });
  }

  document.addEventListener("click", function (e) {
    var toggle = e.target.closest("[data-menu-toggle]");
    if (toggle) {
      var wasOpen = toggle.getAttribute("aria-expanded") === "true";
      closeMenus(false);
      if (!wasOpen) {
        var menu = document.getElementById(toggle.getAttribute("aria-controls"));
        toggle.setAttribute("aria-expanded", "true");
        menu.hidden = false;
        var first = menu.querySelector('[role="menuitem"]');
        if (first) first.focus();
      }
      return;
    }
    if (e.target.closest('[role="menuitem"]') || !e.target.closest('[role="menu"]')) {
      // A menu item opens a dialog; dialog.js returns focus to the menu's button.
      closeMenus(false);
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && e.target.closest && e.target.closest('[role="menu"]')) {
      e.preventDefault();
      closeMenus(true);
    }
  });

  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.target && e.detail.target.id === "access-keys") {
      // The refresh after creating or deleting replaces the section: keep focus on the page.
      var active = document.activeElement;
      if (!active || active === document.body) {
        (document.getElementById("access-search") || document.getElementById("content")).focus();
      }
    }
    updateSelection();
  });

  document.addEventListener("DOMContentLoaded", updateSelection);
})();
