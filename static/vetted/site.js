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

  var SAVED = {
    patient: "Saved: you'll see the patient version",
    professional: "Saved: you'll see the healthcare professional version"
  };

  function remember(audience) {
    var secure = window.location.protocol === "https:" ? "; secure" : "";
    document.cookie = "audience=" + audience + "; path=/; max-age=31536000; samesite=lax" + secure;
  }

  // The reader's remembered audience: open that version of an article, and say so.
  var chosen = cookie("audience");
  var switcher = document.querySelector(".audience-switch");
  var viewingAs = document.querySelector(".viewing-as");
  if (chosen && AUDIENCE_LABELS[chosen] && switcher) {
    var shown = switcher.getAttribute("data-audience");
    var target = switcher.querySelector('a[data-audience="' + chosen + '"]');
    if (shown !== chosen && target) {
      window.location.replace(target.href + window.location.hash);
      return;
    }
  } else if (chosen && AUDIENCE_LABELS[chosen] && viewingAs) {
    viewingAs.querySelector("strong").textContent = AUDIENCE_LABELS[chosen];
    viewingAs.hidden = false;
  }

  // Choosing a version remembers it, and swaps the article in place: the switch the
  // reader used stays where it was (no jump to the top) and the status line confirms.
  function showAudience(audience) {
    switcher.setAttribute("data-audience", audience);
    switcher.querySelectorAll("a[data-audience]").forEach(function (link) {
      if (link.getAttribute("data-audience") === audience) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
    switcher.querySelector(".audience-status").textContent = SAVED[audience];
  }

  function swapArticle(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var article = switcher.closest("article");
    var freshArticle = fresh.querySelector("article.article");
    var freshSwitch = freshArticle && freshArticle.querySelector(".audience-switch");
    if (!article || !freshSwitch || freshSwitch.parentNode !== freshArticle) return false;
    // Replace everything around the switch, keeping the switch itself (and its status line).
    while (switcher.previousSibling) switcher.previousSibling.remove();
    while (switcher.nextSibling) switcher.nextSibling.remove();
    while (freshSwitch.previousSibling) article.insertBefore(freshSwitch.previousSibling, article.firstChild);
    while (freshSwitch.nextSibling) article.appendChild(freshSwitch.nextSibling);
    var aside = document.querySelector(".article-aside");
    var freshAside = fresh.querySelector(".article-aside");
    if (aside && freshAside) aside.replaceWith(document.importNode(freshAside, true));
    return true;
  }

  if (switcher) {
    switcher.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[data-audience]");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
      var audience = link.getAttribute("data-audience");
      if (!AUDIENCE_LABELS[audience]) return;
      event.preventDefault();
      remember(audience);
      if (switcher.getAttribute("data-audience") === audience) {
        showAudience(audience);
        return;
      }
      if (!window.fetch || !window.DOMParser) {
        window.location.assign(link.href);
        return;
      }
      var href = link.href;
      fetch(href, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("version not available");
        return response.text();
      }).then(function (html) {
        if (!swapArticle(html)) throw new Error("unexpected page");
        window.history.replaceState(null, "", href);
        restoreVotes(document);
        showAudience(audience);
      }).catch(function () {
        window.location.assign(href);
      });
    });
  }

  // Phones: the header's search link becomes a button that opens the search box in place.
  var searchLink = document.querySelector(".search-toggle");
  var searchForm = searchLink && document.getElementById(searchLink.getAttribute("data-controls"));
  if (searchLink && searchForm) {
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = searchLink.className;
    toggle.innerHTML = searchLink.innerHTML;
    toggle.setAttribute("aria-controls", searchForm.id);
    toggle.setAttribute("aria-expanded", "false");
    searchLink.replaceWith(toggle);
    var header = toggle.closest(".site-header");
    toggle.addEventListener("click", function () {
      var open = header.classList.toggle("search-open");
      toggle.setAttribute("aria-expanded", String(open));
      if (open) searchForm.querySelector("input").focus();
    });
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
  function restoreVotes(root) {
    root.querySelectorAll(".feedback[data-article]").forEach(function (section) {
      var vote = store && store.getItem("vetted:vote:" + section.getAttribute("data-article"));
      if (vote) showVote(section, vote);
    });
  }
  restoreVotes(document);

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
