/* The article editor's autosave and leave warning (the admin's article change and add form):
   - a few seconds after typing stops, and as the page is left, the form's values are kept:
     on the server for an article that exists (articles.autosave; never a revision, never
     an audit entry, the article untouched), in this browser for a new one (localStorage);
   - on opening the form, unsaved changes kept from before are offered back ("Restore" or
     "Discard"); until the writer chooses, nothing is autosaved over them;
   - leaving a form with unsaved changes asks first (not when the form itself is sent).
   The server deletes the autosave when the form is saved (articles.services). */
(function () {
  "use strict";

  var box = document.getElementById("autosave");
  if (!box) { return; }
  var form = box.closest("form");
  if (!form) { return; }
  var url = box.dataset.url;
  var storageKey = box.dataset.storageKey;
  var statusLine = document.getElementById("autosave-status");
  var prompt = document.getElementById("autosave-prompt");
  var IDLE_MS = 3000;
  // A request sent as the page closes (keepalive) may carry at most 64 KB.
  var KEEPALIVE_BYTES = 60000;
  // The form's own bookkeeping and its buttons: never part of what was typed.
  var SKIP = /^(csrfmiddlewaretoken|opened_version|opened_parts|_workflow_action|_save|_continue|_addanother)$/;
  var SUBMITTED = "vetted-autosave-submitted";

  function csrf() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(text, focus) {
    statusLine.textContent = text;
    if (focus) { statusLine.focus(); }
  }

  function clock(date) {
    return String(date.getHours()).padStart(2, "0") + ":" + String(date.getMinutes()).padStart(2, "0");
  }

  function kept(control) {
    if (!control.name || SKIP.test(control.name) || control.name.indexOf("__prefix__") !== -1) { return false; }
    if (/^(submit|button|reset|file|image)$/.test(control.type)) { return false; }
    // Of the hidden fields, only how many evidence-section rows the form has.
    if (control.type === "hidden") { return /-TOTAL_FORMS$/.test(control.name); }
    return true;
  }

  /* The form's values: text as strings, checkboxes as booleans, select boxes as
     [value, label] pairs (an autocomplete only has the options chosen so far). */
  function snapshot() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (control) {
      if (!kept(control)) { return; }
      if (control.type === "checkbox") {
        values[control.name] = control.checked;
      } else if (control.type === "radio") {
        if (control.checked) { values[control.name] = control.value; }
      } else if (control.tagName === "SELECT") {
        values[control.name] = Array.prototype.filter.call(control.options, function (option) {
          return option.selected;
        }).map(function (option) { return [option.value, option.text]; });
      } else {
        values[control.name] = control.value;
      }
    });
    return values;
  }

  function differs(saved, current) {
    return Object.keys(saved).some(function (name) {
      return JSON.stringify(saved[name]) !== JSON.stringify(current[name]);
    });
  }

  // A form sent back with errors shows what was posted, not what is saved: kept as the
  // page is left even if nothing more is typed (and offered back next time).
  var returnedWithErrors = Boolean(document.querySelector(".errornote"));
  var opened = JSON.stringify(snapshot());
  var initial = returnedWithErrors ? null : opened; // the form as saved, when it shows that
  var lastKept = initial;
  var submitting = false;
  var offer = null; // unsaved changes offered back, until restored or discarded

  // Changed since the page opened. (A form sent back with errors warns only once typed
  // in again: what it showed when it opened is autosaved as the page is left.)
  function isDirty() { return JSON.stringify(snapshot()) !== opened; }

  /* --- restoring ---------------------------------------------------------------------- */

  function setControl(name, value) {
    var control = form.elements.namedItem(name);
    if (!control) { return; }
    if (control instanceof RadioNodeList) {
      Array.prototype.forEach.call(control, function (radio) {
        if (radio.type === "radio") { radio.checked = radio.value === value; }
      });
      return;
    }
    if (control.type === "checkbox") {
      control.checked = Boolean(value);
      control.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (control.tagName === "SELECT") {
      var chosen = (value || []).map(function (pair) { return pair[0]; });
      (value || []).forEach(function (pair) {
        var exists = Array.prototype.some.call(control.options, function (o) { return o.value === pair[0]; });
        if (!exists) { control.appendChild(new Option(pair[1], pair[0])); }
      });
      Array.prototype.forEach.call(control.options, function (option) {
        option.selected = chosen.indexOf(option.value) !== -1;
      });
      if (window.django && window.django.jQuery) {
        window.django.jQuery(control).trigger("change"); // the autocomplete shows it
      } else {
        control.dispatchEvent(new Event("change", { bubbles: true }));
      }
    } else if (typeof value === "string") {
      control.value = value;
      control.dispatchEvent(new Event("input", { bubbles: true }));
    }
  }

  function restore(fields) {
    // Evidence-section rows added after the last save: added with the inline's own button.
    var total = form.elements.namedItem("sections-TOTAL_FORMS");
    var wanted = Number(fields["sections-TOTAL_FORMS"] || 0);
    var add = document.querySelector("#sections-group .add-row a");
    for (var tries = 0; total && add && Number(total.value) < wanted && tries < 50; tries++) { add.click(); }
    Object.keys(fields).forEach(function (name) {
      if (!/-TOTAL_FORMS$/.test(name)) { setControl(name, fields[name]); }
    });
  }

  function closePrompt() {
    prompt.hidden = true;
    offer = null;
  }

  function showPrompt(fields, savedAt) {
    offer = { fields: fields, savedAt: savedAt };
    var time = document.getElementById("autosave-time");
    if (!time.textContent.trim()) {
      // Kept in this browser: its time as this browser tells it.
      time.setAttribute("datetime", savedAt.toISOString());
      time.textContent = savedAt.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
    }
    prompt.hidden = false;
  }

  document.getElementById("autosave-restore").addEventListener("click", function () {
    if (!offer) { return; }
    var time = document.getElementById("autosave-time").textContent;
    restore(offer.fields);
    closePrompt();
    lastKept = JSON.stringify(snapshot());
    say("Restored your unsaved changes from " + time + ". They are not saved until you save.", true);
  });

  document.getElementById("autosave-discard").addEventListener("click", function () {
    closePrompt();
    discard(false);
    lastKept = initial;
    say("Discarded the unsaved changes. The form shows the article as saved.", true);
  });

  /* --- keeping ------------------------------------------------------------------------ */

  function discard(leaving) {
    if (!url) { localStorage.removeItem(storageKey); return; }
    fetch(url, {
      method: "DELETE", credentials: "same-origin", keepalive: leaving,
      headers: { "X-CSRFToken": csrf() }
    }).catch(function () { /* kept; offered again and discardable next time */ });
  }

  function keep(leaving) {
    if (offer || submitting) { return; }
    var values = snapshot();
    var json = JSON.stringify(values);
    if (json === lastKept) { return; }
    lastKept = json;
    if (json === initial) { discard(leaving); say(""); return; } // back as saved: nothing to keep
    var now = new Date();
    if (!url) {
      try {
        localStorage.setItem(storageKey, JSON.stringify({ saved_at: now.toISOString(), fields: values }));
        say("Autosaved in this browser at " + clock(now) + ". Save to add the article.");
      } catch (error) {
        say("Could not autosave in this browser; save to keep your work.");
      }
      return;
    }
    var openedVersion = form.elements.namedItem("opened_version");
    var body = JSON.stringify({ fields: values, opened_version: openedVersion ? openedVersion.value : "" });
    fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      keepalive: leaving && body.length < KEEPALIVE_BYTES,
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) {
          lastKept = null;
          say("Not autosaved: " + (answer.error || "the server refused it."));
          return;
        }
        say(answer.message + " Save to keep your changes in the article.");
      });
    }).catch(function () {
      lastKept = null; // try again at the next pause
      say("Could not autosave (offline?). Your text is still in the form; save when you can.");
    });
  }

  var timer = null;
  function schedule() {
    if (offer) {
      // (The autocompletes announce a change as they start: only typing is news.)
      if (isDirty()) { say("Autosave is paused until you restore or discard the unsaved changes above."); }
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(function () { keep(false); }, IDLE_MS);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  document.addEventListener("formset:added", schedule);
  document.addEventListener("formset:removed", schedule);
  if (window.django && window.django.jQuery) {
    // The autocompletes (select2) announce their changes through jQuery only.
    window.django.jQuery(form).on("change", "select", schedule);
  }

  form.addEventListener("submit", function () {
    submitting = true;
    clearTimeout(timer);
    if (!url) { sessionStorage.setItem(SUBMITTED, storageKey); }
  });

  function leaving() {
    clearTimeout(timer);
    keep(true);
  }
  window.addEventListener("pagehide", leaving);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { leaving(); }
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { submitting = false; } // back from the cache: the form is live again
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !isDirty()) { return; }
    event.preventDefault();
    event.returnValue = ""; // browsers show their own "Leave site?" text
  });

  /* --- on opening ----------------------------------------------------------------------- */

  // A new article's form was sent and did not come back with errors: it was saved.
  var sent = sessionStorage.getItem(SUBMITTED);
  if (sent) {
    sessionStorage.removeItem(SUBMITTED);
    if (!(returnedWithErrors && sent === storageKey)) { localStorage.removeItem(sent); }
  }

  var current = snapshot();
  var offered = document.getElementById("autosave-fields");
  if (offered) {
    var fields = JSON.parse(offered.textContent);
    var time = document.getElementById("autosave-time").getAttribute("datetime");
    if (differs(fields, current)) {
      showPrompt(fields, new Date(time));
    } else if (!returnedWithErrors) {
      discard(false); // what was kept is what the saved form shows: nothing to offer
    }
  } else if (!url && !returnedWithErrors) {
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (error) { stored = null; }
    if (stored && stored.fields && differs(stored.fields, current)) {
      showPrompt(stored.fields, new Date(stored.saved_at));
    }
  }
})();
