// "A vote is open" without reloading: the page polls the assembly's open votes every
// few seconds and shows a banner linking to each one. Without JavaScript the page
// offers a reload link instead (the fallback). CSP: script-src 'self', no inline code.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-url]");
  if (!root) { return; }
  var url = root.getAttribute("data-live-url");
  var known = (root.getAttribute("data-open-ids") || "").split(",").filter(Boolean).join(",");
  var banner = document.getElementById("vote-open-banner");
  var list = document.getElementById("vote-open-list");
  var every = parseInt(root.getAttribute("data-every") || "5000", 10);

  function show(open) {
    list.textContent = "";
    open.forEach(function (motion) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = motion.url;
      link.textContent = motion.title;
      link.className = "alert-link";
      item.appendChild(link);
      list.appendChild(item);
    });
    banner.hidden = open.length === 0;
  }

  function poll() {
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        var ids = data.open.map(function (m) { return String(m.id); }).join(",");
        if (ids !== known) {
          known = ids;
          show(data.open);
          root.setAttribute("data-open-ids", ids);
        }
      })
      .catch(function () { /* offline for a moment: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
})();
