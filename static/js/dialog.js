/* One dialog pattern for the whole console (django-htmx-patterns' modal).
 *
 * The server renders a <dialog> into #dialog-host (hx-target="#dialog-host"); this
 * script opens it as a modal, and closes it on Escape, on any [data-close-dialog]
 * button, or when a response sends the HX-Trigger event "closeDialog". A closed
 * dialog leaves the page, so the next one starts afresh, and focus returns to what
 * opened it (or to another control that opens the same dialog, if that one is gone).
 *
 * A dialog may ask before closing: cancel its "dialog:beforeclose" event (the New
 * Access result does, until its credentials are saved). "dialog:opened" fires once
 * the dialog is shown.
 */
(function () {
  "use strict";

  var HOST_ID = "dialog-host";
  // {element, id, opens}: what started the request for the next dialog. Each dialog
  // takes it when shown, so a dialog whose "close" event arrives late (after the
  // next one was asked for) cannot take the next one's.
  var opener = null;

  function openDialog() {
    var host = document.getElementById(HOST_ID);
    var dialog = host && host.querySelector("dialog");
    return dialog && dialog.open ? dialog : null;
  }

  function remember(element) {
    // A menu item leaves with its menu: return to the button that opened the menu.
    var menu = element.closest('[role="menu"]');
    if (menu && menu.id) element = document.querySelector('[aria-controls="' + menu.id + '"]') || element;
    opener = { element: element, id: element.id, opens: element.getAttribute("hx-get") };
  }

  function restoreFocus(from) {
    var target = null;
    if (from) {
      if (from.element.isConnected) target = from.element;
      else if (from.id) target = document.getElementById(from.id);
      if (!target && from.opens) target = document.querySelector('[hx-get="' + from.opens + '"]');
    }
    // An entry of a menu that closed meanwhile (the project switcher): its summary.
    var closedMenu = target && target.closest("details:not([open])");
    if (closedMenu && !target.matches("summary")) target = closedMenu.querySelector("summary");
    target = target || document.getElementById("content");
    if (target) target.focus();
  }

  function requestClose(dialog, escape) {
    // detail.escape: the key, which a person may press by accident, rather than a button.
    var event = new CustomEvent("dialog:beforeclose", { cancelable: true, detail: { escape: !!escape } });
    if (dialog.dispatchEvent(event)) dialog.close();
  }

  function show(dialog) {
    var from = opener;
    opener = null;
    dialog.addEventListener("cancel", function (e) {
      // Escape goes through requestClose, so the dialog may ask first.
      e.preventDefault();
      requestClose(dialog, true);
    });
    dialog.addEventListener("keydown", function (e) {
      // Handled here too: Chromium skips "cancel" on a second Escape once one was prevented.
      if (e.key === "Escape") {
        e.preventDefault();
        requestClose(dialog, true);
      }
    });
    dialog.addEventListener("close", function () {
      dialog.remove();
      restoreFocus(from);
    });
    dialog.showModal();
    dialog.dispatchEvent(new CustomEvent("dialog:opened", { bubbles: true }));
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    var target = e.detail.target;
    if (!target || target.id !== HOST_ID || openDialog()) return;
    var active = document.activeElement;
    if (active && active !== document.body) remember(active);
    else if (e.detail.elt) remember(e.detail.elt);
  });

  document.addEventListener("htmx:afterSettle", function () {
    var host = document.getElementById(HOST_ID);
    var dialog = host && host.querySelector("dialog");
    if (dialog && !dialog.open) show(dialog);
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-close-dialog]");
    var dialog = button && button.closest("dialog");
    if (dialog && dialog.open) requestClose(dialog);
  });

  // htmx swaps no error answer: say what happened where the person is looking, the
  // open dialog or else the page. The server words a 5xx in plain text (console.views
  // .server_error); a request that got no answer at all gets its own words.
  var NO_ANSWER = "The console could not be reached, so nothing was saved. Check your connection and try again.";
  var SERVER_ERROR = "Something went wrong on our side, and nothing was saved. Try again in a moment.";

  function showProblem(text) {
    var dialog = openDialog();
    var place = (dialog && (dialog.querySelector(".modal-body") || dialog)) ||
      document.getElementById("content") || document.body;
    var alert = place.querySelector("[data-request-problem]");
    if (!alert) {
      alert = document.createElement("p");
      alert.className = "alert alert-error";
      alert.setAttribute("role", "alert");
      alert.setAttribute("data-request-problem", "");
      place.prepend(alert);
    }
    alert.textContent = text;
  }

  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    var plain = (xhr.getResponseHeader("Content-Type") || "").indexOf("text/plain") === 0;
    if (xhr.status >= 500) showProblem(plain && xhr.responseText ? xhr.responseText : SERVER_ERROR);
  });
  document.addEventListener("htmx:sendError", function () {
    showProblem(NO_ANSWER);
  });

  // The server's word that the dialog's work is done (HX-Trigger: closeDialog).
  document.addEventListener("closeDialog", function () {
    var dialog = openDialog();
    if (dialog) dialog.close();
  });
})();
