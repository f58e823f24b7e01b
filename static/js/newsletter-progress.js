// Refreshes the sending progress of a newsletter issue on its admin page.
//
// The page marks the panel with data-newsletter-progress-url (a JSON endpoint in the admin)
// and data-status. While the issue sends or is paused, this asks for the figures every few
// seconds and fills in each element marked data-progress="<name>". When the status changes
// (sent, say), the page reloads once, so that its buttons match. Without JavaScript the
// figures are those of the page as served, and staff reload it.
(function () {
  "use strict";

  var REFRESH_MS = 3000;
  var panel = document.querySelector("[data-newsletter-progress-url]");
  if (!panel) {
    return;
  }
  var url = panel.getAttribute("data-newsletter-progress-url");
  var shownStatus = panel.getAttribute("data-status");
  var bar = panel.querySelector("progress");

  function show(progress) {
    var fields = panel.querySelectorAll("[data-progress]");
    for (var i = 0; i < fields.length; i += 1) {
      var name = fields[i].getAttribute("data-progress");
      if (Object.prototype.hasOwnProperty.call(progress, name)) {
        fields[i].textContent = String(progress[name]);
      }
    }
    if (bar) {
      bar.max = Math.max(progress.total, 1);
      bar.value = progress.done;
      bar.textContent = progress.percent + "%";
    }
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("The progress of the issue could not be read: " + response.status);
        }
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.status !== shownStatus) {
          window.location.reload();
        } else if (progress.is_active) {
          window.setTimeout(refresh, REFRESH_MS);
        }
      })
      .catch(function () {
        // A network blip: try again later rather than stop refreshing for good.
        window.setTimeout(refresh, REFRESH_MS * 2);
      });
  }

  if (panel.querySelector("progress") && shownStatus !== "sent" && shownStatus !== "cancelled") {
    window.setTimeout(refresh, REFRESH_MS);
  }
})();
