/* What this tab remembers belongs to who is signed in.
 *
 * The New Access dialog keeps the current passphrase in sessionStorage so the next
 * access in the tab does not ask again. It must not outlive the person: it is
 * forgotten on sign-out, on the signed-out pages, and when the tab finds someone
 * else signed in (a sign-out and sign-in in another tab changes this tab's cookie).
 */
(function () {
  "use strict";
  var PREFIXES = ["newAccess."];
  var OWNER = "console.user";

  function forget() {
    try {
      for (var i = sessionStorage.length - 1; i >= 0; i--) {
        var key = sessionStorage.key(i);
        if (PREFIXES.some(function (p) { return key.indexOf(p) === 0; })) {
          sessionStorage.removeItem(key);
        }
      }
      sessionStorage.removeItem(OWNER);
    } catch (e) {
      /* storage disabled: nothing was remembered */
    }
  }

  function claim() {
    var user = document.body.dataset.user || "";
    try {
      if (sessionStorage.getItem(OWNER) === user) return;
    } catch (e) {
      return;
    }
    forget();
    try {
      if (user) sessionStorage.setItem(OWNER, user);
    } catch (e) {
      /* storage disabled */
    }
  }

  claim();
  document.addEventListener("submit", function (event) {
    if (event.target.matches("form[data-sign-out]")) forget();
  });
  // A page restored from the back-forward cache runs no script: check again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) claim();
  });
})();
