// "返回上一页" goes back in history, so the browser keeps what was typed into the form;
// without script the link opens the previous page afresh.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("[data-history-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
