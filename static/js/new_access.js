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
    if (draft && draft.choice === "new") f.querySelector('input[name="new_passphrase"]').value = draft.value;
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
    showStepCount(f);
    if (f.querySelector("[data-bucket-list]")) showBucketCount(f);
    var next = f.querySelector("[data-next]");
    if (f.dataset.step === "encryption") {
      var saved = f.querySelector('input[name="saved_passphrase"]');
      next.disabled = encryptionChoice(f) === "generate" && !saved.checked;
    }
    if (next.dataset.labelFull) {
      var access = f.querySelector('input[name="access"]:checked');
      next.textContent = access && access.value === "full" ? next.dataset.labelFull : next.dataset.labelAdvanced;
    }
  }

  function showStepCount(f) {
    // The steps ahead depend on this step's radio (type, access): show the count for
    // the one checked, so going on never changes the total nor moves the bar back.
    if (!f.dataset.stepCounts) return;
    var chosen = f.querySelector('input[name="' + f.dataset.countField + '"]:checked');
    var total = chosen && JSON.parse(f.dataset.stepCounts)[chosen.value];
    if (!total) return;
    var text = "Step " + f.dataset.stepNumber + " of " + total;
    f.querySelector("[data-step-count]").textContent = text;
    f.querySelector(".na-progress").max = total;
    var heading = f.querySelector("#na-step-heading");
    heading.dataset.status = text + ": " + heading.textContent.trim();
  }

  function enterStep(d) {
    // Bind the step's hx- attributes now (idempotent), in case this runs before htmx
    // settles: Enter on the focused field must never submit the form natively.
    if (window.htmx) window.htmx.process(d);
    var heading = d.querySelector("#na-step-heading");
    var f = form(d);
    if (f && f.dataset.step === "encryption") setupEncryption(d, f);
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
      var label = button.firstChild;
      var before = label.textContent;
      label.textContent = "Copied";
      announce("Copied to the clipboard.");
      setTimeout(function () {
        label.textContent = before;
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

  function onBeforeClose(e) {
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
    var t = e.target.closest("button");
    if (!t || !d) return;
    var f = form(d);
    if (t.hasAttribute("data-confirm-close")) {
      d.close();
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
    if (p.nav === "back") return;
    if (f.dataset.step === "encryption") {
      var choice = encryptionChoice(f);
      var value = f.querySelector('input[name="' + FIELD_FOR[choice] + '"]').value;
      draft = { choice: choice, value: value };
      if (choice === "current" && value) remember(d, value);
    }
    if (f.hasAttribute("data-send-passphrase") && draft) {
      p[FIELD_FOR[draft.choice]] = draft.value;
    }
  }

  document.addEventListener("htmx:configRequest", onConfigRequest);
  document.addEventListener("dialog:opened", function (e) {
    if (e.target.id === "new-access") init(e.target);
  });
  // After settling: htmx binds the new step's hx- attributes only then, and a key
  // pressed on a focused control before that would submit the form natively.
  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.detail.target && e.detail.target.id === "new-access-step") enterStep(dialog());
  });
})();
