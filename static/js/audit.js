/* The Audit page: after a dialog that changed keys (bulk Rotate or Delete) closes,
 * show the keys as they are now. */
(function () {
  "use strict";
  var changed = false;
  document.addEventListener("accessesChanged", function () {
    changed = true;
  });
  document.addEventListener(
    "close",
    function (e) {
      if (changed && e.target.tagName === "DIALOG") window.location.reload();
    },
    true
  );
})();
