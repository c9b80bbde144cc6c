// The Access Keys page: row selection, row menus and the delete confirmation.
// Everything else (search, sort, paging, deleting) is htmx talking to the server.
(function () {
  "use strict";

  var opener = null; // what had focus when a dialog opened, to return focus there

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
    var item = e.target.closest('[role="menuitem"]');
    if (item) {
      // The dialog that opens returns focus to the menu's button.
      var menuOf = item.closest('[role="menu"]');
      opener = document.querySelector('[aria-controls="' + menuOf.id + '"]');
      closeMenus(false);
      return;
    }
    if (!e.target.closest('[role="menu"]')) closeMenus(false);

    if (e.target.closest("[data-close-dialog]")) {
      e.target.closest("dialog").close();
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && e.target.closest && e.target.closest('[role="menu"]')) {
      e.preventDefault();
      closeMenus(true);
    }
  });

  // ----- The delete confirmation -----

  document.addEventListener("htmx:beforeRequest", function (e) {
    var target = e.detail.target;
    if (target && target.id === "dialog-host" && !document.querySelector("#dialog-host dialog[open]")) {
      var active = document.activeElement;
      if (!active || !active.closest('[role="menu"]')) opener = active;
    }
  });

  function restoreFocus() {
    var target = opener && document.body.contains(opener) ? opener : null;
    if (!target && opener && opener.id) target = document.getElementById(opener.id);
    if (!target) target = document.getElementById("access-search") || document.getElementById("content");
    if (target) target.focus();
  }

  document.addEventListener("htmx:afterSettle", function (e) {
    var dialog = document.querySelector("#dialog-host dialog[data-access-delete]");
    if (dialog && !dialog.open) dialog.showModal();
    if (e.detail.target && e.detail.target.id === "dialog-host" && !dialog) restoreFocus();
    if (e.detail.target && e.detail.target.id === "access-keys") {
      // The refresh after deleting replaces the section: keep focus on the page.
      if (!document.activeElement || document.activeElement === document.body) restoreFocus();
    }
    updateSelection();
  });

  // Escape or Cancel closes the dialog; it is then removed so the next one starts afresh.
  document.addEventListener(
    "close",
    function (e) {
      if (e.target.matches && e.target.matches("dialog[data-access-delete]")) {
        e.target.remove();
        restoreFocus();
      }
    },
    true
  );

  document.addEventListener("DOMContentLoaded", updateSelection);
})();
