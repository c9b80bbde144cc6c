// The Create New Project dialog, which htmx puts into #dialog-host from the
// project switcher: open it, close it on Escape, Cancel or ✕, then remove it
// (so the next opening starts afresh) and give focus back to what opened it.
(function () {
  "use strict";

  document.addEventListener("htmx:afterSettle", function () {
    var dialog = document.getElementById("new-project-dialog");
    if (!dialog || dialog.open) return;
    var opener = document.activeElement;
    dialog.addEventListener("click", function (event) {
      if (event.target.closest("[data-close-dialog]")) dialog.close();
    });
    dialog.addEventListener("close", function () {
      dialog.remove();
      if (opener && document.contains(opener)) opener.focus();
    });
    dialog.showModal();
  });
})();
