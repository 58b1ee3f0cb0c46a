/* The article editor (the admin's article change form):
   - a live preview of the whole working copy, in the public stylesheet (a frame), rendered
     by the server's one article rendering, and the reasons Submit is blocked, kept current;
   - "Cite a source…": search the library, tick one or several, insert [@a; @b] at the
     cursor; or paste a citation, DOI or PMID, check the fields read, add it and cite it;
   - "Insert an image…": pick from the image library or upload one (alt text, caption,
     credit and licence required) and insert ![alt](image:ID) at the cursor.
   Keyboard: the dialogs are native <dialog>s (Escape closes, focus returns to the text);
   result lists are listboxes driven from their search box (arrows, Space, Enter). */
(function () {
  "use strict";

  var preview = document.getElementById("live-preview");
  if (!preview) { return; }
  var FIELDS = ["title", "summary", "topic", "body", "professional_body"];

  function csrf() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function field(name) { return document.getElementById("id_" + name); }

  function debounce(fn, ms) {
    var timer;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* --- the live preview and the Submit button's reasons ------------------------------ */

  var frame = document.getElementById("preview-frame");
  var previewStatus = document.getElementById("preview-status");
  var pending = null;

  function refreshPreview() {
    var data = new FormData();
    FIELDS.forEach(function (name) {
      var input = field(name);
      if (input) { data.append(name, input.value); }
    });
    // The evidence sections (the inline "sections-N-…" rows) and how references are listed.
    var grouped = field("group_references");
    if (grouped && grouped.checked) { data.append("group_references", "on"); }
    document.querySelectorAll("[name^='sections-']").forEach(function (input) {
      if (input.name.indexOf("__prefix__") !== -1) { return; } // the "add another" template
      if (input.type === "checkbox") {
        if (input.checked) { data.append(input.name, "on"); }
      } else {
        data.append(input.name, input.value);
      }
    });
    data.append("csrfmiddlewaretoken", csrf());
    if (pending) { pending.abort(); }
    pending = new AbortController();
    previewStatus.textContent = "Updating the preview…";
    // Busy until the new preview is in the frame (assistive technology waits for it).
    preview.setAttribute("aria-busy", "true");
    fetch(preview.dataset.previewUrl, {
      method: "POST", body: data, credentials: "same-origin", signal: pending.signal,
      headers: { "X-CSRFToken": csrf() }
    }).then(function (response) {
      if (!response.ok) {
        return response.text().then(function (text) {
          var holder = el("div"); holder.innerHTML = text;
          previewStatus.textContent = holder.textContent.trim() || "The preview could not be updated.";
          preview.setAttribute("aria-busy", "false");
        });
      }
      return response.json().then(function (answer) {
        var scroll = frame.contentWindow ? frame.contentWindow.scrollY : 0;
        frame.addEventListener("load", function restore() {
          frame.removeEventListener("load", restore);
          if (frame.contentWindow) { frame.contentWindow.scrollTo(0, scroll); }
          preview.setAttribute("aria-busy", "false");
        });
        frame.srcdoc = answer.html;
        previewStatus.textContent = "";
        showBlockers(answer.problems);
      });
    }).catch(function (error) {
      if (error.name !== "AbortError") {
        previewStatus.textContent = "The preview could not be updated.";
        preview.setAttribute("aria-busy", "false");
      }
    });
  }

  function showBlockers(problems) {
    var list = document.getElementById("submit-blockers-list");
    if (!list) { return; }
    list.textContent = "";
    problems.forEach(function (problem) { list.appendChild(el("li", {}, problem)); });
    document.getElementById("submit-blockers-heading").hidden = problems.length === 0;
    document.getElementById("submit-ready").hidden = problems.length !== 0;
    document.getElementById("submit-panel").classList.toggle("is-blocked", problems.length !== 0);
  }

  var schedulePreview = debounce(refreshPreview, 500);
  FIELDS.forEach(function (name) {
    var input = field(name);
    if (input) {
      input.addEventListener("input", schedulePreview);
      input.addEventListener("change", schedulePreview);
    }
  });
  function isSectionField(node) {
    return node && node.name && (node.name.indexOf("sections-") === 0 || node.name === "group_references");
  }
  document.addEventListener("input", function (event) { if (isSectionField(event.target)) { schedulePreview(); } });
  document.addEventListener("change", function (event) { if (isSectionField(event.target)) { schedulePreview(); } });
  // A section row added or removed with the admin's inline buttons.
  document.addEventListener("formset:added", schedulePreview);
  document.addEventListener("formset:removed", schedulePreview);
  // The topic is picked with the admin's autocomplete (select2, through jQuery).
  if (window.django && window.django.jQuery) {
    window.django.jQuery(document).on("change", "#id_topic", schedulePreview);
  }
  refreshPreview();

  /* --- inserting at the cursor -------------------------------------------------------- */

  var target = null; // the textarea a dialog was opened from
  var selection = { start: 0, end: 0 };

  function remember(textarea) {
    target = textarea;
    selection = { start: textarea.selectionStart, end: textarea.selectionEnd };
  }

  function insert(text, asBlock) {
    if (!target) { return; }
    var value = target.value;
    var before = value.slice(0, selection.start);
    var after = value.slice(selection.end);
    if (asBlock) {
      // A figure is a paragraph of its own: blank lines around it.
      if (before && !/\n\n$/.test(before)) { text = (/\n$/.test(before) ? "\n" : "\n\n") + text; }
      if (!/^\n\n/.test(after)) { text = text + (/^\n/.test(after) ? "\n" : "\n\n"); }
    }
    target.value = before + text + after;
    var caret = before.length + text.length;
    target.focus();
    target.setSelectionRange(caret, caret);
    selection = { start: caret, end: caret };
    target.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function openDialog(id, textarea) {
    remember(textarea);
    var dialog = document.getElementById(id);
    dialog.showModal();
    var search = dialog.querySelector("input[type=search]");
    search.focus();
    search.select();
    search.dispatchEvent(new Event("input"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".editor-toolbar [data-dialog]");
    if (button) {
      // The textarea beside the toolbar (a section row added in the page has no fixed id).
      var box = button.closest(".markdown-editor");
      openDialog(button.dataset.dialog, (box && box.querySelector("textarea")) ||
        document.getElementById(button.dataset.target));
    }
    var closer = event.target.closest("dialog [data-close]");
    if (closer) { closer.closest("dialog").close(); }
  });
  // Delegated, so section rows added in the page get the shortcuts too.
  document.addEventListener("keydown", function (event) {
    var textarea = event.target;
    if (!textarea.classList || !textarea.classList.contains("markdown-editor-text")) { return; }
    if (!event.altKey || event.ctrlKey || event.metaKey) { return; }
    var key = event.key.toLowerCase();
    if (key === "c" || key === "i") {
      event.preventDefault();
      openDialog(key === "c" ? "cite-dialog" : "image-dialog", textarea);
    }
  });
  document.querySelectorAll("dialog.editor-dialog").forEach(function (dialog) {
    dialog.addEventListener("close", function () { if (target) { target.focus(); } });
  });

  /* --- after a refused save: what is wrong, listed at the top, the first one in view --- */

  function showFormErrors() {
    var form = preview.closest("form");
    var note = form && form.querySelector(".errornote");
    if (!note) { return; }
    var summary = el("ul", { "class": "error-summary", "aria-label": "What to correct" });
    var first = null;
    form.querySelectorAll("ul.errorlist").forEach(function (list, index) {
      if (!list.textContent.trim() || list.closest(".empty-form")) { return; }
      // A field's errors sit in its row; the form's own (e.g. a stale edit) stand alone.
      var row = list.classList.contains("nonfield") ? null : list.closest(".form-row");
      var input = row && Array.prototype.find.call(
        row.querySelectorAll(".select2-selection, input:not([type=hidden]), select, textarea"),
        function (node) { return node.offsetParent !== null; });
      var goal = input || list;
      if (!goal.id) { goal.id = "form-error-" + index; }
      if (!input) { goal.setAttribute("tabindex", "-1"); }
      var label = row && row.querySelector("label");
      var name = label && input ? label.textContent.replace(/:\s*$/, "").trim() + ": " : "";
      var inline = row && row.closest(".inline-related");
      if (name && inline && inline.querySelector("h3 b")) {
        // Which evidence section: "Evidence section: #2, Kind: …".
        var number = inline.querySelector(".inline_label");
        name = inline.querySelector("h3 b").textContent.trim() + " " +
          (number ? number.textContent.trim() : "") + ", " + name;
      }
      var said = Array.prototype.map.call(list.querySelectorAll("li"), function (item) {
        return item.textContent.trim();
      }).join(" ");
      var link = el("a", { href: "#" + goal.id }, name + said);
      link.addEventListener("click", function (event) {
        event.preventDefault();
        goTo(goal);
      });
      summary.appendChild(el("li")).appendChild(link);
      first = first || goal;
    });
    if (!first) { return; }
    note.insertAdjacentElement("afterend", summary);
    goTo(first);
  }

  function goTo(node) {
    node.scrollIntoView({ block: "center" });
    node.focus({ preventScroll: true });
  }

  showFormErrors();

  // A title is one line: Enter does not break it (the box wraps a long one).
  var titleBox = field("title");
  if (titleBox) {
    titleBox.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }

  /* --- a listbox driven from its search box --------------------------------------------- */

  function Listbox(options) {
    var self = this;
    this.input = document.getElementById(options.input);
    this.list = document.getElementById(options.list);
    this.status = document.getElementById(options.status);
    this.button = document.getElementById(options.button);
    this.multiple = options.multiple;
    this.items = [];
    this.active = -1;
    this.ticked = [];
    this.render = options.render;
    this.url = options.url;
    this.describe = options.describe;
    this.onChoose = options.onChoose;
    var search = debounce(function () { self.search(); }, 200);
    this.input.addEventListener("input", search);
    this.input.addEventListener("keydown", function (event) { self.key(event); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (!option) { return; }
      self.move(Number(option.dataset.index));
      if (self.multiple) { self.toggle(self.active); } else { self.choose(); }
    });
    this.button.addEventListener("click", function () { self.choose(); });
  }

  Listbox.prototype.search = function () {
    var self = this;
    var query = this.input.value.trim();
    var url = this.url + "?q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin" }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { self.status.textContent = answer.error || "The search failed."; return; }
        if (self.input.value.trim() !== query) { return; } // a newer search is on its way
        self.show(answer.results);
      });
    }).catch(function () { self.status.textContent = "The search failed; try again."; });
  };

  Listbox.prototype.show = function (results) {
    var self = this;
    this.items = results;
    this.list.textContent = "";
    results.forEach(function (item, index) {
      var option = el("li", {
        role: "option", id: self.list.id + "-" + index, "data-index": String(index),
        "aria-selected": "false"
      });
      if (self.multiple) { option.setAttribute("aria-checked", self.isTicked(item) ? "true" : "false"); }
      self.render(option, item);
      self.list.appendChild(option);
    });
    this.input.setAttribute("aria-expanded", results.length ? "true" : "false");
    this.status.textContent = this.describe(results.length);
    // Nothing highlighted yet: the first ArrowDown goes to the first result.
    this.move(-1);
    this.update();
  };

  Listbox.prototype.isTicked = function (item) {
    return this.ticked.some(function (t) { return t.key === item.key; });
  };

  Listbox.prototype.move = function (index) {
    var options = this.list.querySelectorAll("[role=option]");
    options.forEach(function (option) {
      option.classList.remove("is-active");
      option.setAttribute("aria-selected", "false");
    });
    this.active = index;
    if (index < 0 || !options[index]) { this.input.removeAttribute("aria-activedescendant"); return; }
    options[index].classList.add("is-active");
    options[index].setAttribute("aria-selected", "true");
    options[index].scrollIntoView({ block: "nearest" });
    this.input.setAttribute("aria-activedescendant", options[index].id);
  };

  Listbox.prototype.toggle = function (index) {
    var item = this.items[index];
    if (!item) { return; }
    if (this.isTicked(item)) {
      this.ticked = this.ticked.filter(function (t) { return t.key !== item.key; });
    } else {
      this.ticked.push(item);
    }
    var option = this.list.querySelector("[data-index='" + index + "']");
    var on = this.isTicked(item);
    option.setAttribute("aria-checked", on ? "true" : "false");
    this.status.textContent = (on ? "Ticked " : "Unticked ") + item.key + ". " +
      this.ticked.length + " ticked.";
    this.update();
  };

  Listbox.prototype.update = function () {
    var count = this.multiple ? this.ticked.length : 0;
    this.button.disabled = !count && this.active < 0;
    if (this.multiple) {
      this.button.textContent = count > 1 ? "Insert " + count + " citations" : "Insert citation";
    }
  };

  Listbox.prototype.key = function (event) {
    var last = this.items.length - 1;
    if (event.key === "ArrowDown") { event.preventDefault(); this.move(Math.min(this.active + 1, last)); }
    else if (event.key === "ArrowUp") { event.preventDefault(); this.move(Math.max(this.active - 1, 0)); }
    else if (event.key === "Home" && event.ctrlKey) { event.preventDefault(); this.move(0); }
    else if (event.key === "End" && event.ctrlKey) { event.preventDefault(); this.move(last); }
    else if (event.key === "Enter") { event.preventDefault(); this.choose(); }
  };

  Listbox.prototype.choose = function () {
    var chosen = this.multiple && this.ticked.length ? this.ticked.slice() :
      (this.active >= 0 ? [this.items[this.active]] : []);
    if (!chosen.length) { return; }
    this.ticked = [];
    this.onChoose(chosen);
  };

  /* --- citing ----------------------------------------------------------------------------- */

  function citation(keys) { return "[" + keys.map(function (k) { return "@" + k; }).join("; ") + "]"; }

  var citeDialog = document.getElementById("cite-dialog");
  var sources = new Listbox({
    input: "cite-search", list: "cite-results", status: "cite-status", button: "cite-insert",
    multiple: true, url: preview.dataset.citeSearchUrl,
    describe: function (n) {
      return n ? n + (n === 1 ? " source" : " sources") + " found." : "No source found. Add it below.";
    },
    render: function (option, item) {
      option.appendChild(el("span", { "class": "cite-check", "aria-hidden": "true" }));
      var text = el("span", { "class": "cite-text" });
      text.appendChild(el("strong", {}, item.authors || item.container || item.kind));
      text.appendChild(document.createTextNode(" " + (item.year || "") + ". " + item.title + " "));
      text.appendChild(el("span", { "class": "cite-meta" },
        [item.container, item.kind, item.pmid ? "PMID " + item.pmid : "", item.doi ? "doi " + item.doi : ""]
          .filter(Boolean).join(" · ")));
      option.appendChild(text);
      option.appendChild(el("code", { "class": "cite-key" }, "@" + item.key));
      if (item.retracted) { option.appendChild(el("span", { "class": "cite-retracted" }, "Retracted")); }
    },
    onChoose: function (items) {
      citeDialog.close();
      insert(citation(items.map(function (item) { return item.key; })), false);
    }
  });
  // Space types a space while the writer types a search; once they move through the
  // list with the arrow keys, Space ticks the highlighted source (typing a letter goes back).
  var navigating = false;
  document.getElementById("cite-search").addEventListener("keydown", function (event) {
    if (event.key === " " && navigating && sources.active >= 0) {
      event.preventDefault();
      sources.toggle(sources.active);
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") { navigating = true; }
    else if (event.key.length === 1) { navigating = false; }
  });

  var readStatus = document.getElementById("cite-read-status");
  var confirmBox = document.getElementById("cite-confirm");

  document.getElementById("cite-read").addEventListener("click", function () {
    var data = new FormData();
    data.append("citation", document.getElementById("cite-paste").value);
    data.append("csrfmiddlewaretoken", csrf());
    readStatus.textContent = "Reading…";
    confirmBox.textContent = "";
    fetch(preview.dataset.citeReadUrl, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf() }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (answer.error) { readStatus.textContent = answer.error; return; }
        if (answer.existing) {
          readStatus.textContent = "Already in the library as @" + answer.existing.key + ".";
          var cite = el("button", { type: "button", "class": "button default" },
            "Cite @" + answer.existing.key);
          cite.addEventListener("click", function () {
            citeDialog.close();
            insert(citation([answer.existing.key]), false);
          });
          confirmBox.appendChild(cite);
          cite.focus();
          return;
        }
        showConfirm(answer.html);
        readStatus.textContent = "Check the fields read from your citation, then add the source.";
      });
    }).catch(function () { readStatus.textContent = "The citation could not be read; try again."; });
  });

  function showConfirm(html) {
    confirmBox.innerHTML = html; // server-rendered, escaped form
    if (window.VettedAuthors) { window.VettedAuthors.init(confirmBox); }
    var form = confirmBox.querySelector("form");
    var first = confirmBox.querySelector(".errorlist, input, select, textarea");
    if (first && first.focus) { first.focus(); }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: { "X-CSRFToken": csrf() }
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (answer.reference) {
            citeDialog.close();
            insert(citation([answer.reference.key]), false);
            previewStatus.textContent = (answer.created ? "Added @" : "Cited @") +
              answer.reference.key + " from the library.";
            confirmBox.textContent = "";
            document.getElementById("cite-paste").value = "";
            return;
          }
          showConfirm(answer.html);
          readStatus.textContent = "Some fields need attention.";
        });
      }).catch(function () { readStatus.textContent = "The source could not be added; try again."; });
    });
  }

  /* --- images ---------------------------------------------------------------------------- */

  var imageDialog = document.getElementById("image-dialog");
  new Listbox({
    input: "image-search", list: "image-results", status: "image-status", button: "image-insert",
    multiple: false, url: preview.dataset.imagePickerUrl,
    describe: function (n) {
      return n ? n + (n === 1 ? " image" : " images") + " in the library." : "No image found. Upload one below.";
    },
    render: function (option, item) {
      option.appendChild(el("img", { src: item.thumbnail, alt: "", width: "120", loading: "lazy" }));
      var text = el("span", { "class": "image-text" });
      text.appendChild(el("strong", {}, item.alt_text));
      text.appendChild(el("span", { "class": "image-meta" }, item.caption + " (" + item.credit + ")"));
      option.appendChild(text);
    },
    onChoose: function (items) {
      imageDialog.close();
      insert(items[0].markdown, true);
    }
  });

  var uploadForm = document.getElementById("image-upload-form");
  var uploadStatus = document.getElementById("image-upload-status");
  uploadForm.addEventListener("submit", function (event) {
    event.preventDefault();
    uploadForm.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
    uploadStatus.textContent = "Uploading…";
    fetch(uploadForm.action, {
      method: "POST", body: new FormData(uploadForm), credentials: "same-origin",
      headers: { "X-CSRFToken": csrf() }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (answer.image) {
          uploadForm.reset();
          uploadStatus.textContent = "";
          imageDialog.close();
          insert(answer.image.markdown, true);
          previewStatus.textContent = "Uploaded image " + answer.image.id + " and inserted it." +
            (answer.image.processing ? " The preview shows it once its sizes are made (usually within a minute)." : "");
          return;
        }
        if (answer.existing) { offerExisting(answer); return; }
        var errors = answer.errors || {};
        var firstField = null;
        Object.keys(errors).forEach(function (name) {
          var slot = uploadForm.querySelector("[data-error-for=" + name + "]");
          if (slot) { slot.textContent = errors[name].join(" "); }
          firstField = firstField || uploadForm.querySelector("[name=" + name + "]");
        });
        uploadStatus.textContent = "Nothing was uploaded: " +
          Object.keys(errors).map(function (n) { return errors[n].join(" "); }).join(" ");
        if (firstField) { firstField.focus(); }
      });
    }).catch(function () { uploadStatus.textContent = "The upload failed; nothing was stored. Try again."; });
  });

  // The library has this file already: nothing was uploaded; offer the image it has.
  function offerExisting(answer) {
    uploadStatus.textContent = answer.message + " (" + answer.existing.alt_text + ")";
    var use = el("button", { type: "button", "class": "button default" }, "Use the existing image");
    use.addEventListener("click", function () {
      uploadForm.reset();
      uploadStatus.textContent = "";
      imageDialog.close();
      insert(answer.existing.markdown, true);
      previewStatus.textContent = "Inserted image " + answer.existing.id + " from the library.";
    });
    uploadStatus.appendChild(document.createTextNode(" "));
    uploadStatus.appendChild(use);
    use.focus();
  }
})();
