// A <select data-autosubmit> sends its form when changed (a static file: the CSP allows no
// inline handlers). Without script the form's own button does the same.
(function () {
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { if (select.form) select.form.submit(); });
  });
})();
