// Size each accounts frame to the document it shows, so the accounts read in full in the
// page instead of in a small scrolling box. The frame runs no scripts of its own (its
// sandbox allows the same origin only, so this page may measure it).
(function () {
  "use strict";
  function fit(frame) {
    var doc = frame.contentDocument;
    if (!doc || !doc.documentElement) {
      return;
    }
    frame.style.height = doc.documentElement.scrollHeight + 4 + "px";
  }
  function fitAll() {
    document.querySelectorAll("iframe.accounts").forEach(fit);
  }
  document.querySelectorAll("iframe.accounts").forEach(function (frame) {
    frame.addEventListener("load", function () {
      fit(frame);
    });
    fit(frame);
  });
  window.addEventListener("resize", fitAll);
})();
