/* The repeating authors field: add, remove and reorder rows with buttons (keyboard
   operable), and keep each row's names and labels numbered in order, which is the order
   the server stores. Works on any .authors-field, including ones inserted later (the
   editor's "add a source" dialog calls VettedAuthors.init on what it inserts). */
(function () {
  "use strict";

  function renumber(field) {
    var name = field.dataset.name;
    var rows = field.querySelectorAll(".author-row");
    rows.forEach(function (row, i) {
      var n = i + 1;
      row.querySelector(".author-number").textContent = n + ".";
      row.querySelectorAll("[data-part]").forEach(function (input) {
        var part = input.dataset.part;
        input.name = name + "-" + i + "-" + part;
        input.id = name + "-" + i + "-" + part;
        var label = input.previousElementSibling;
        if (label && label.tagName === "LABEL") {
          label.htmlFor = input.id;
          label.textContent = label.textContent.replace(/Author \d+/, "Author " + n);
        }
      });
      row.querySelector(".author-up").setAttribute("aria-label", "Move author " + n + " up");
      row.querySelector(".author-down").setAttribute("aria-label", "Move author " + n + " down");
      row.querySelector(".author-remove").setAttribute("aria-label", "Remove author " + n);
    });
    field.querySelector(".authors-count").value = rows.length;
  }

  function say(field, text) {
    field.querySelector(".authors-status").textContent = text;
  }

  function blankRow(field) {
    var rows = field.querySelectorAll(".author-row");
    var row = rows[rows.length - 1].cloneNode(true);
    row.querySelectorAll("input").forEach(function (input) { input.value = ""; });
    row.querySelector("select").value = "person";
    row.dataset.kind = "person";
    return row;
  }

  function init(root) {
    (root || document).querySelectorAll(".authors-field").forEach(function (field) {
      if (field.dataset.ready) { return; }
      field.dataset.ready = "1";
      field.addEventListener("change", function (event) {
        if (event.target.classList.contains("author-kind")) {
          event.target.closest(".author-row").dataset.kind = event.target.value;
        }
      });
      field.addEventListener("click", function (event) {
        var button = event.target.closest("button");
        if (!button) { return; }
        var list = field.querySelector(".author-rows");
        var row = button.closest(".author-row");
        if (button.classList.contains("author-add")) {
          var added = blankRow(field);
          list.appendChild(added);
          renumber(field);
          added.querySelector("[data-part=family]").focus();
          say(field, "Author " + list.children.length + " added.");
        } else if (button.classList.contains("author-remove")) {
          var next = row.nextElementSibling || row.previousElementSibling;
          if (list.children.length === 1) { list.appendChild(blankRow(field)); next = list.lastElementChild; }
          row.remove();
          renumber(field);
          (next.querySelector(".author-remove") || next).focus();
          say(field, "Author removed.");
        } else if (button.classList.contains("author-up") && row.previousElementSibling) {
          list.insertBefore(row, row.previousElementSibling);
          renumber(field);
          button.focus();
          say(field, "Moved up to position " + (Array.prototype.indexOf.call(list.children, row) + 1) + ".");
        } else if (button.classList.contains("author-down") && row.nextElementSibling) {
          list.insertBefore(row.nextElementSibling, row);
          renumber(field);
          button.focus();
          say(field, "Moved down to position " + (Array.prototype.indexOf.call(list.children, row) + 1) + ".");
        }
      });
    });
  }

  window.VettedAuthors = { init: init };
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();
