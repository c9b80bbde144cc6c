/* Menus made of <details data-menu> (the project switcher): like any menu, they close
 * on a click outside, on Escape (focus goes back to the <summary> that opened them),
 * and when focus leaves them, e.g. for the dialog one of their entries opens.
 */
(function () {
  "use strict";

  var OPEN_MENUS = "details[data-menu][open]";

  function close(menu, focusSummary) {
    menu.open = false;
    if (focusSummary) menu.querySelector("summary").focus();
  }

  document.addEventListener("click", function (e) {
    document.querySelectorAll(OPEN_MENUS).forEach(function (menu) {
      if (!menu.contains(e.target)) close(menu, false);
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    document.querySelectorAll(OPEN_MENUS).forEach(function (menu) {
      var hadFocus = menu.contains(document.activeElement);
      close(menu, hadFocus);
      if (hadFocus) e.preventDefault();
    });
  });

  document.addEventListener("focusout", function (e) {
    var menu = e.target.closest && e.target.closest(OPEN_MENUS);
    // relatedTarget is null when focus leaves for nothing (a click on the page's
    // background): the click handler above decides then.
    if (menu && e.relatedTarget && !menu.contains(e.relatedTarget)) close(menu, false);
  });
})();
