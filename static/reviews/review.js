// The review screen's reader view: size each same-origin frame to the page it shows,
// so the revision reads as one page with the rest of the screen (no scroll in a scroll).
(function () {
  "use strict";
  function fit(frame) {
    try {
      var doc = frame.contentDocument;
      if (!doc || !doc.documentElement) { return; }
      frame.style.height = doc.documentElement.scrollHeight + "px";
    } catch (error) {
      // Not same-origin: keep the stylesheet's fixed height.
    }
  }
  function watch(frame) {
    frame.addEventListener("load", function () { fit(frame); });
    if (frame.contentDocument && frame.contentDocument.readyState === "complete") { fit(frame); }
    window.addEventListener("resize", function () { fit(frame); });
  }
  document.querySelectorAll("iframe.reader-frame").forEach(watch);
  document.querySelectorAll("details.reader-details").forEach(function (details) {
    details.addEventListener("toggle", function () {
      details.querySelectorAll("iframe.reader-frame").forEach(fit);
    });
  });
})();
