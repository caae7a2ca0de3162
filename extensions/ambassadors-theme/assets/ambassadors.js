// Ambassadors storefront blocks. Loaded with `defer`; fills in each block's status line
// from the app proxy without moving the layout (the line keeps its reserved height).
(function () {
  "use strict";
  var blocks = document.querySelectorAll("[data-ambassadors-signup]");
  Array.prototype.forEach.call(blocks, function (block) {
    var status = block.querySelector("[data-ambassadors-status]");
    if (!status) return;
    fetch(block.getAttribute("data-proxy-url") + "/status", {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        status.textContent = data.message;
      })
      .catch(function () {
        status.textContent = "";
      });
  });
})();
