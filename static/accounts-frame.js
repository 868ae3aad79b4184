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
  // The frame takes the keyboard focus, but Chromium does not match :focus on a frame whose
  // document has it: mark it, so that it shows the focus ring (WCAG 2.4.7).
  function watchFocus(frame) {
    var win = frame.contentWindow;
    if (!win || frame.dataset.focusWatched === win.document.URL) {
      return;
    }
    frame.dataset.focusWatched = win.document.URL;
    win.addEventListener("focus", function () {
      frame.classList.add("has-focus");
    });
    win.addEventListener("blur", function () {
      frame.classList.remove("has-focus");
    });
  }
  document.querySelectorAll("iframe.accounts").forEach(function (frame) {
    frame.addEventListener("load", function () {
      fit(frame);
      watchFocus(frame);
    });
    fit(frame);
    watchFocus(frame);
  });
  window.addEventListener("resize", fitAll);
})();
