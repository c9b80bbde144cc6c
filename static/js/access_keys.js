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
    // Say how many the button deletes; without JavaScript it reads "Delete" and
    // the confirmation lists the keys.
    bulk.textContent = checked.length
      ? "Delete " + checked.length + " access key" + (checked.length === 1 ? "" : "s")
      : "Delete";
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

  function items(menu) {
    return Array.prototype.slice.call(menu.querySelectorAll('[role="menuitem"]'));
  }

  function closeMenus(focusToggle) {
    document.querySelectorAll('[data-menu-toggle][aria-expanded="true"]').forEach(function (toggle) {
      toggle.setAttribute("aria-expanded", "false");
      var menu = document.getElementById(toggle.getAttribute("aria-controls"));
      if (menu) {
        menu.hidden = true;
        menu.classList.remove("is-placed");
        menu.style.left = menu.style.top = "";
      }
      if (focusToggle) toggle.focus();
    });
  }

  // The table scrolls sideways in its own box, which clips anything positioned
  // inside it: on a short table the menu was cut off. Fixed to the viewport beside
  // its button instead, below it, or above when there is no room below.
  function place(toggle, menu) {
    menu.classList.add("is-placed");
    var button = toggle.getBoundingClientRect();
    var width = menu.offsetWidth;
    var height = menu.offsetHeight;
    var left = Math.max(8, Math.min(button.right - width, window.innerWidth - width - 8));
    var top = button.bottom + 4;
    if (top + height > window.innerHeight - 8 && button.top - 4 - height >= 8) {
      top = button.top - 4 - height;
    }
    menu.style.left = left + "px";
    menu.style.top = top + "px";
  }

  function openMenu(toggle) {
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    toggle.setAttribute("aria-expanded", "true");
    menu.hidden = false;
    place(toggle, menu);
    var first = items(menu)[0];
    if (first) first.focus({ preventScroll: true });
  }

  document.addEventListener("click", function (e) {
    var toggle = e.target.closest("[data-menu-toggle]");
    if (toggle) {
      var wasOpen = toggle.getAttribute("aria-expanded") === "true";
      closeMenus(false);
      if (!wasOpen) openMenu(toggle);
      return;
    }
    if (e.target.closest('[role="menuitem"]') || !e.target.closest('[role="menu"]')) {
      // A menu item opens a dialog or a page; dialog.js returns focus to the menu's button.
      closeMenus(false);
    }
  });

  document.addEventListener("keydown", function (e) {
    var menu = e.target.closest && e.target.closest('[role="menu"]');
    if (!menu) return;
    if (e.key === "Escape") {
      e.preventDefault();
      closeMenus(true);
    } else if (e.key === "Tab") {
      closeMenus(false);
    } else if (["ArrowDown", "ArrowUp", "Home", "End"].indexOf(e.key) !== -1) {
      // The menu pattern: arrows move between items, wrapping around.
      e.preventDefault();
      var all = items(menu);
      var index = all.indexOf(e.target);
      var next = {
        ArrowDown: (index + 1) % all.length,
        ArrowUp: (index - 1 + all.length) % all.length,
        Home: 0,
        End: all.length - 1,
      }[e.key];
      all[next].focus();
    }
  });

  // A fixed menu would float away from its row: close it when anything scrolls.
  function closeOnMove(e) {
    if (e.target && e.target.closest && e.target.closest('[role="menu"]')) return;
    if (document.querySelector('[data-menu-toggle][aria-expanded="true"]')) closeMenus(false);
  }
  window.addEventListener("scroll", closeOnMove, true);
  window.addEventListener("resize", closeOnMove);

  // ----- Messages -----

  // A new action (a dialog opening, a delete confirmed) makes the message about the
  // last one stale: "Deleted svc-alpha" must not linger during the next delete.
  // The action's own outcome, if any, swaps in afterwards.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var target = e.detail.target;
    if (!target || target.id !== "dialog-host") return;
    var status = document.getElementById("access-status");
    if (status) status.replaceChildren();
    document.querySelectorAll("#content > .messages").forEach(function (messages) {
      messages.remove();
    });
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

  // The search form's copies of sort and size are for browsers without scripts:
  // htmx takes the table's own, which follow sorting and paging.
  function dropPageState() {
    document.querySelectorAll("[data-no-js-state]").forEach(function (input) {
      input.disabled = true;
    });
  }

  document.addEventListener("htmx:afterSettle", dropPageState);
  document.addEventListener("DOMContentLoaded", function () {
    dropPageState();
    updateSelection();
  });
})();
