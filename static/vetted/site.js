/* Progressive enhancement only: every form on the site works without JavaScript.
   Pages are the same for every reader (so that they can be cached); what one reader
   chose is applied here, in their browser. */
(function () {
  "use strict";

  var AUDIENCE_LABELS = { patient: "Patient or caregiver", professional: "Healthcare professional" };

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : null;
  }

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  // The reader's remembered audience: open that version of an article, and say so.
  var chosen = cookie("audience");
  var viewingAs = document.querySelector(".viewing-as");
  if (chosen && AUDIENCE_LABELS[chosen] && viewingAs) {
    var shown = viewingAs.getAttribute("data-audience");
    var target = viewingAs.getAttribute("data-" + chosen + "-url");
    if (shown && shown !== chosen && target) {
      window.location.replace(target + window.location.hash);
      return;
    }
    if (!shown) {
      viewingAs.querySelector("strong").textContent = AUDIENCE_LABELS[chosen];
      viewingAs.hidden = false;
    }
  }

  // "Was this helpful?": a vote already given on this device is shown, not asked again.
  function showVote(section, vote) {
    var form = section.querySelector(".feedback-form");
    if (form) form.remove();
    var status = section.querySelector(".feedback-status");
    if (status && !status.querySelector(".feedback-done")) {
      var done = document.createElement("p");
      done.className = "feedback-done";
      done.textContent = "You told us this article was " + (vote === "yes" ? "helpful" : "not helpful") +
        ". Thank you: every answer is read by our editors.";
      status.appendChild(done);
    }
  }

  var store = storage();
  document.querySelectorAll(".feedback[data-article]").forEach(function (section) {
    var vote = store && store.getItem("vetted:vote:" + section.getAttribute("data-article"));
    if (vote) showVote(section, vote);
  });

  // Send the vote in the background and swap in the thank-you.
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
      var done = fresh.querySelector(".feedback-done");
      if (store && done && done.getAttribute("data-vote")) {
        store.setItem("vetted:vote:" + fresh.getAttribute("data-article"), done.getAttribute("data-vote"));
      }
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
