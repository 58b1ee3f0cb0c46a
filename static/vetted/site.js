/* Progressive enhancement only: every form on the site works without JavaScript. */
(function () {
  "use strict";
  // "Was this helpful?": send the vote in the background and swap in the thank-you.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches(".feedback-form") || !window.fetch) return;
    event.preventDefault();
    var data = new FormData(form);
    if (event.submitter && event.submitter.name) data.append(event.submitter.name, event.submitter.value);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    }).then(function (response) {
      if (!response.ok) throw new Error("feedback failed");
      return response.text();
    }).then(function (html) {
      var section = form.closest(".feedback");
      var holder = document.createElement("div");
      holder.innerHTML = html.trim();
      var fresh = holder.firstElementChild;
      section.replaceWith(fresh);
      var status = fresh.querySelector(".feedback-status");
      if (status) status.focus();
    }).catch(function () {
      // Fall back to the ordinary form post, keeping the chosen answer.
      var hidden = document.createElement("input");
      hidden.type = "hidden";
      hidden.name = "helpful";
      hidden.value = event.submitter ? event.submitter.value : "";
      form.appendChild(hidden);
      form.submit();
    });
  });
})();
