// A page that follows long work (a large nomination file) asks the server again every few seconds
// and puts its [data-refresh] region in place, so a screen reader hears the progress (the region
// is aria-live) and the page does not reload under the reader. When the new page has no such
// region the work is done: the whole page is loaded once, with its report. Without JavaScript the
// page's <noscript> refresh does the same by reloading.
(function () {
  "use strict";
  var region = document.querySelector("[data-refresh]");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  var every = (Number(region.getAttribute("data-refresh")) || 2) * 1000;

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html").querySelector("[data-refresh]");
        if (!next) { window.location.reload(); return; }
        region.innerHTML = next.innerHTML;
        window.setTimeout(poll, every);
      })
      .catch(function () { window.setTimeout(poll, every * 5); }); // a hiccup: try again, slower
  }

  window.setTimeout(poll, every);
})();
