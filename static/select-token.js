// A new token is shown once: a click in its field selects all of it, ready to copy.
// (A file of its own: the Content-Security-Policy allows no inline event handler.)
(function () {
  "use strict";
  document.querySelectorAll("input.token[readonly]").forEach(function (field) {
    field.addEventListener("click", function () {
      field.select();
    });
  });
})();
