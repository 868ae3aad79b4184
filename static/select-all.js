// InSite's message list: "Alle berichten op deze pagina" ticks or unticks every row's box,
// and unticking a row unticks it. One listener on the document, so the rows htmx swaps in
// after filtering work too. Without JavaScript the server reads that box itself
// (portal/views/bulk.py). (A file of its own: the Content-Security-Policy allows no inline
// event handler.)
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var box = event.target;
    var form = box.form;
    if (!form || !form.classList.contains("bulk")) {
      return;
    }
    if (box.hasAttribute("data-select-all")) {
      form.querySelectorAll("input[name=ids]").forEach(function (row) {
        row.checked = box.checked;
      });
    } else if (box.name === "ids" && !box.checked) {
      var all = form.querySelector("input[data-select-all]");
      if (all) {
        all.checked = false;
      }
    }
  });
})();
