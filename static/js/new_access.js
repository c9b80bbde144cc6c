/* The New Access dialog's own behaviour: the browser-held passphrase, each step's
 * focus and show/hide rules, and the result's Show / Copy / Download. The server
 * renders every step; dialog.js opens and closes the dialog and returns focus.
 *
 * Passphrases never travel back from the server: the one typed or generated on the
 * Encryption step is kept here (the current one also in sessionStorage, per project,
 * so the next access in this tab does not ask again) and sent with the creating request.
 */
(function () {
  "use strict";

  var FIELD_FOR = { current: "passphrase", new: "new_passphrase", generate: "generated_passphrase" };
  var draft = null; // {choice, value}: the passphrase chosen on the Encryption step
  var generated = null; // the 12 words shown first in this dialog, kept if the user comes back
  var saved = false; // result copied or downloaded

  function dialog() {
    return document.getElementById("new-access");
  }

  function storageKey(d) {
    return "newAccess.passphrase." + d.dataset.project;
  }

  function stored(d) {
    try {
      return sessionStorage.getItem(storageKey(d));
    } catch (e) {
      return null;
    }
  }

  function remember(d, value) {
    try {
      if (value) sessionStorage.setItem(storageKey(d), value);
      else sessionStorage.removeItem(storageKey(d));
    } catch (e) {
      /* storage disabled: the user types the passphrase each time */
    }
  }

  function announce(text) {
    var status = document.getElementById("na-status");
    if (!status) return;
    status.textContent = "";
    // A fresh text node after a tick so screen readers announce repeats too.
    setTimeout(function () {
      status.textContent = text;
    }, 50);
  }

  function init(d) {
    draft = null;
    generated = null;
    saved = false;
    d.addEventListener("click", onClick);
    d.addEventListener("change", onChange);
    d.addEventListener("input", onInput);
    d.addEventListener("keydown", onKeydown);
    d.addEventListener("dialog:beforeclose", onBeforeClose);
    enterStep(d);
  }

  function form(d) {
    return d.querySelector("form.na-form");
  }

  function encryptionChoice(f) {
    var enc = f.querySelector('input[name="encryption"]:checked');
    if (!enc || enc.value === "current") return "current";
    var sub = f.querySelector('input[name="new_choice"]:checked');
    return sub && sub.value === "generate" ? "generate" : "new";
  }

  function showWords(f, phrase) {
    f.querySelector('input[name="generated_passphrase"]').value = phrase;
    var list = f.querySelector("[data-words]");
    list.textContent = "";
    phrase.split(" ").forEach(function (word) {
      var li = document.createElement("li");
      li.textContent = word;
      list.appendChild(li);
    });
  }

  function setupEncryption(d, f) {
    var input = f.querySelector('input[name="passphrase"]');
    var remembered = stored(d);
    if (remembered && !input.value && input.getAttribute("aria-invalid") !== "true") {
      input.value = remembered;
      f.querySelector("[data-remembered]").hidden = false;
      f.querySelector("[data-passphrase-field]").hidden = true;
    }
    if (draft && draft.choice === "new") {
      f.querySelector('input[name="new_passphrase"]').value = draft.value;
      f.querySelector('input[name="confirm_passphrase"]').value = draft.value;
    }
    var shown = f.querySelector('input[name="generated_passphrase"]');
    if (generated) showWords(f, generated);
    else generated = shown.value;
  }

  function update(f) {
    f.querySelectorAll("[data-show-when]").forEach(function (el) {
      var parts = el.dataset.showWhen.split("=");
      var on = Array.prototype.some.call(f.elements, function (i) {
        return i.name === parts[0] && i.value === parts[1] && i.checked && i.type !== "hidden";
      });
      el.hidden = !on;
    });
    f.querySelectorAll(".na-option").forEach(function (el) {
      var input = el.querySelector("input");
      el.classList.toggle("is-checked", input.checked);
    });
    if (f.querySelector("[data-bucket-list]")) showBucketCount(f);
    var next = f.querySelector("[data-next]");
    if (f.dataset.step === "encryption") {
      var saved = f.querySelector('input[name="saved_passphrase"]');
      // A new passphrase, typed or generated, must be saved before going on.
      next.disabled = encryptionChoice(f) !== "current" && !saved.checked;
      showShortWarning(f);
    }
  }

  function showShortWarning(f) {
    var warning = f.querySelector("[data-short-passphrase]");
    if (!warning) return;
    var length = f.querySelector('input[name="new_passphrase"]').value.length;
    var short = length > 0 && length < Number(warning.dataset.min);
    if (warning.hidden === short) warning.hidden = !short;
  }

  function enterStep(d) {
    // Bind the step's hx- attributes now (idempotent), in case this runs before htmx
    // settles: Enter on the focused field must never submit the form natively.
    if (window.htmx) window.htmx.process(d);
    var heading = d.querySelector("#na-step-heading");
    var f = form(d);
    if (f && f.dataset.step === "encryption") setupEncryption(d, f);
    if (!f && d.querySelector("[data-result]") && draft && draft.choice === "current" && draft.value) {
      // An access was made with it: the next one in this tab need not ask again.
      remember(d, draft.value);
    }
    if (f) update(f);
    var invalid = d.querySelector('[aria-invalid="true"]');
    var errors = Array.prototype.map
      .call(d.querySelectorAll("[data-announce], .field-errors li, .alert-error p"), function (e) {
        return e.textContent.trim();
      })
      .filter(Boolean);
    if (heading) announce(heading.dataset.status + (errors.length ? ". " + errors.join(" ") : ""));
    var wanted = d.querySelector("[data-focus]");
    if (invalid && invalid.offsetParent !== null) {
      invalid.focus();
    } else if (wanted) {
      wanted.focus();
    } else if (!f) {
      heading.focus();
    } else {
      var first = f.querySelector(
        '.na-body input:not([type="hidden"]):checked, .na-body input[type="text"], .na-body input[type="password"]:not([hidden])'
      );
      (first && first.offsetParent !== null ? first : heading).focus();
    }
  }

  function saveFile(filename, content) {
    var url = URL.createObjectURL(new Blob([content], { type: "text/plain" }));
    var a = document.createElement("a");
    a.href = url;
    a.download = filename;
    dialog().appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 1000);
  }

  // What was saved, in words people see and hear (the note is a status region):
  // the exact name the file is saved under (download_filename makes it one that no
  // browser rewrites).
  function showDownloaded(d, filename, tool) {
    var note = d.querySelector("[data-download-note]");
    if (!note) return;
    note.textContent = "Downloaded " + filename + (tool ? " for " + tool : "") + ".";
    note.scrollIntoView({ block: "nearest" });
  }

  function copyText(text, button) {
    function done() {
      // The label the button had first: a second click within the delay must not
      // make "Copied" the label it goes back to.
      var label = button.firstChild;
      if (!button.dataset.label) button.dataset.label = label.textContent;
      label.textContent = "Copied";
      announce("Copied to the clipboard.");
      clearTimeout(button.copiedTimer);
      button.copiedTimer = setTimeout(function () {
        label.textContent = button.dataset.label;
      }, 1500);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {
        announce("Copying failed: select the text and copy it.");
      });
    } else {
      var area = document.createElement("textarea");
      area.value = text;
      dialog().appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
      done();
    }
  }

  // Partway through (past the first step, or anything typed), Escape asks before
  // throwing the choices away; the dialog's own Cancel and close buttons do not.
  function partway(d) {
    var f = form(d);
    if (!f) return false;
    if (Number(f.dataset.stepNumber) > 1) return true;
    return Array.prototype.some.call(f.querySelectorAll('input[type="text"], textarea'), function (i) {
      return i.value.trim() !== "";
    });
  }

  function onBeforeClose(e) {
    var d = e.target;
    var discard = d.querySelector("[data-discard-confirm]");
    if (e.detail && e.detail.escape && discard && partway(d)) {
      e.preventDefault();
      if (discard.hidden) {
        discard.hidden = false;
        discard.querySelector("[data-keep-editing]").focus();
      }
      return;
    }
    // Credentials neither copied nor downloaded: ask before they are gone for good.
    var confirm = e.target.querySelector("[data-close-confirm]");
    if (!confirm || saved) return;
    e.preventDefault();
    if (confirm.hidden) {
      confirm.hidden = false;
      confirm.querySelector("[data-cancel-close]").focus();
    } // else the question is on screen: answer it
  }

  function onClick(e) {
    var d = dialog();
    // The page's download links save files themselves (data: URLs): note that they did.
    var link = e.target.closest("a[data-download-all], a[data-download-file]");
    if (link && d) {
      saved = true;
      showDownloaded(d, link.getAttribute("download"), link.dataset.downloadFile);
      return;
    }
    var t = e.target.closest("button");
    if (!t || !d) return;
    var f = form(d);
    if (t.hasAttribute("data-confirm-close") || t.hasAttribute("data-discard")) {
      d.close();
    } else if (t.hasAttribute("data-keep-editing")) {
      d.querySelector("[data-discard-confirm]").hidden = true;
      var heading = d.querySelector("#na-step-heading");
      if (heading) heading.focus();
    } else if (t.hasAttribute("data-cancel-close")) {
      d.querySelector("[data-close-confirm]").hidden = true;
      d.querySelector("[data-download-all]").focus();
    } else if (t.hasAttribute("data-clear-filter")) {
      var filter = f.querySelector("[data-bucket-filter]");
      filter.value = "";
      filterBuckets(f, "");
      filter.focus();
    } else if (t.hasAttribute("data-toggle-new-bucket")) {
      var panel = document.getElementById(t.getAttribute("aria-controls"));
      var open = panel.hidden;
      panel.hidden = !open;
      t.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) panel.querySelector('input[type="text"]').focus();
    } else if (t.hasAttribute("data-change-passphrase")) {
      var input = f.querySelector('input[name="passphrase"]');
      input.value = "";
      remember(d, null);
      f.querySelector("[data-remembered]").hidden = true;
      f.querySelector("[data-passphrase-field]").hidden = false;
      input.focus();
    } else if (t.hasAttribute("data-copy-passphrase")) {
      copyText(f.querySelector('input[name="generated_passphrase"]').value, t);
    } else if (t.hasAttribute("data-download-passphrase")) {
      saveFile(t.dataset.filename, f.querySelector('input[name="generated_passphrase"]').value);
    } else if (t.dataset.toggleSecret) {
      var secret = document.getElementById(t.dataset.toggleSecret);
      var show = secret.type === "password";
      secret.type = show ? "text" : "password";
      t.firstChild.textContent = show ? "Hide" : "Show";
      t.setAttribute("aria-pressed", show ? "true" : "false");
    } else if (t.dataset.copy) {
      copyText(document.getElementById(t.dataset.copy).value, t);
      saved = true;
    } else if (t.hasAttribute("data-download-all")) {
      var file = JSON.parse(document.getElementById("na-download").textContent);
      saveFile(file.filename, file.content);
      saved = true;
      showDownloaded(d, file.filename);
    } else if (t.hasAttribute("data-download-for")) {
      var files = JSON.parse(document.getElementById("na-tool-files").textContent);
      var chosen = files[Number(d.querySelector("[data-download-for-choice]").value)];
      saveFile(chosen.filename, chosen.content);
      saved = true;
      showDownloaded(d, chosen.filename, chosen.tool);
    }
  }

  function onChange(e) {
    if (e.target.hasAttribute("data-download-for-choice")) {
      // Show how to use the file of the tool just chosen.
      var chosen = e.target.value;
      dialog()
        .querySelectorAll("[data-tool-help]")
        .forEach(function (block) {
          block.hidden = block.dataset.toolHelp !== chosen;
        });
      return;
    }
    var f = e.target.form;
    if (!f || !f.classList.contains("na-form")) return;
    update(f);
    // A warning that a box brings up is scrolled into view, or it would appear below the fold.
    if (!e.target.checked) return;
    f.querySelectorAll("[data-reveal]").forEach(function (el) {
      if (el.dataset.showWhen === e.target.name + "=" + e.target.value && !el.hidden) {
        el.scrollIntoView({ block: "nearest" });
      }
    });
  }

  function filterBuckets(f, query) {
    query = query.trim().toLowerCase();
    var visible = 0;
    f.querySelectorAll("[data-bucket-list] li").forEach(function (li) {
      li.hidden = Boolean(query) && li.dataset.name.indexOf(query) === -1;
      if (!li.hidden) visible += 1;
    });
    f.querySelector("[data-bucket-empty]").hidden = visible > 0;
    showBucketCount(f);
  }

  function showBucketCount(f) {
    // A bucket the filter hides stays selected (it is part of the access): say so.
    var list = f.querySelector("[data-bucket-list]");
    var selected = list.querySelectorAll("input:checked").length;
    var hidden = list.querySelectorAll("li[hidden] input:checked").length;
    var text = selected ? selected + " selected" : "None selected";
    if (hidden) text += ", " + hidden + " hidden by the filter";
    var count = f.querySelector("[data-bucket-count]");
    if (count.textContent !== text) count.textContent = text;
    f.querySelector("[data-clear-filter]").hidden = hidden === 0;
  }

  function onInput(e) {
    if (e.target.hasAttribute("data-bucket-filter")) filterBuckets(e.target.form, e.target.value);
    if (e.target.name === "new_passphrase") showShortWarning(e.target.form);
  }

  function onKeydown(e) {
    if (e.key !== "Enter" || e.isComposing) return;
    var t = e.target;
    if (t.hasAttribute && t.hasAttribute("data-bucket-filter")) {
      // Filtering is not choosing: Enter here must not submit the step.
      e.preventDefault();
    } else if (t.closest && t.closest("[data-new-bucket]") && t.tagName === "INPUT") {
      // Enter in the New bucket fields creates the bucket, not the access.
      e.preventDefault();
      t.closest("[data-new-bucket]").querySelector("[data-create-bucket]").click();
    }
  }

  function onConfigRequest(e) {
    var elt = e.detail.elt;
    var f = elt && elt.closest ? elt.closest("form.na-form") : null;
    if (!f) return;
    var d = dialog();
    var p = e.detail.parameters;
    // Going on (or back) answers "Discard this new access?" with "no".
    var discard = d.querySelector("[data-discard-confirm]");
    if (discard) discard.hidden = true;
    if (p.nav === "back") return;
    if (f.dataset.step === "encryption") {
      var choice = encryptionChoice(f);
      var value = f.querySelector('input[name="' + FIELD_FOR[choice] + '"]').value;
      // Kept in this dialog only; the tab remembers it once an access is made with it.
      draft = { choice: choice, value: value };
    }
    if (f.hasAttribute("data-send-passphrase") && draft) {
      p[FIELD_FOR[draft.choice]] = draft.value;
      if (draft.choice === "new") p.confirm_passphrase = draft.value;
    }
  }

  // The steps as pages (no htmx on their forms): the page is the dialog, each step a load.
  function initPage() {
    var d = dialog();
    if (!d || !d.classList.contains("na-page")) return;
    // A secret shows as text for a browser without scripts; with one, Show reveals it.
    d.querySelectorAll("input[data-secret]").forEach(function (input) {
      input.type = "password";
    });
    d.querySelectorAll("[data-toggle-secret]").forEach(function (button) {
      button.firstChild.textContent = "Show";
      button.setAttribute("aria-pressed", "false");
    });
    init(d);
  }

  // Reload, Back or closing the tab on the result would lose the one-time values
  // silently: the browser asks first, until they are copied or downloaded.
  window.addEventListener("beforeunload", function (e) {
    var d = dialog();
    if (!d || saved || !d.querySelector("[data-result]")) return;
    e.preventDefault();
    e.returnValue = "";
  });

  document.addEventListener("htmx:configRequest", onConfigRequest);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initPage);
  else initPage();
  document.addEventListener("dialog:opened", function (e) {
    if (e.target.id === "new-access") init(e.target);
  });
  // After settling: htmx binds the new step's hx- attributes only then, and a key
  // pressed on a focused control before that would submit the form natively.
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.target && e.detail.target.id === "new-access-step") enterStep(dialog());
  });
})();
