/* When the server refuses or fails a callback (4xx, 5xx), Dash's page shows nothing outside debug mode.
   This shows the server's short message (e.g. "Something went wrong; quote error id 3FA2C1D0.") in a
   banner, as text (never as markup), so the user knows the action did not happen and what to quote. */
(function () {
    "use strict";
    var originalFetch = window.fetch;
    if (!originalFetch) {
        return;
    }

    function showBanner(message) {
        var banner = document.getElementById("callback-error-banner");
        if (!banner) {
            banner = document.createElement("div");
            banner.id = "callback-error-banner";
            banner.className = "alert alert-danger callback-error-banner";
            banner.setAttribute("role", "alert");
            var text = document.createElement("span");
            text.className = "callback-error-text";
            var close = document.createElement("button");
            close.type = "button";
            close.className = "btn-close";
            close.setAttribute("aria-label", "Close");
            close.addEventListener("click", function () {
                banner.remove();
            });
            banner.appendChild(text);
            banner.appendChild(close);
            document.body.appendChild(banner);
        }
        banner.querySelector(".callback-error-text").textContent = message;
    }

    window.fetch = function (resource, options) {
        var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
        var result = originalFetch.apply(this, arguments);
        if (url.indexOf("_dash-update-component") === -1) {
            return result;
        }
        return result.then(function (response) {
            if (response.status >= 400) {
                response.clone().text().then(function (body) {
                    showBanner((body || "").slice(0, 300) || response.statusText);
                });
            }
            return response;
        });
    };
})();
