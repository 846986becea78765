/* Meeting mode (dashboard/pages/meeting.py): the keyboard moves between the slides without a round trip
   to the server, and the address bar always says which slide is shown (?slide=N, replaced in place so
   Back leaves the meeting). Arrows, Page Up / Page Down and space move; Home / End go to the first and
   last slide; a digit jumps to that slide; Esc leaves for the overview. With data-auto="30" on the deck
   (?auto=30) the slides advance every 30 seconds, from the last back to the first (a kiosk screen). */
(function () {
    "use strict";
    var lastMove = Date.now();
    var shownDeck = null; // the deck the timer last saw: a new one (a new page) starts its own count

    function deck() {
        return document.getElementById("meeting-deck");
    }

    function slides(container) {
        return Array.prototype.slice.call(container.querySelectorAll(".meeting-slide"));
    }

    function currentNumber(container) {
        var shown = container.querySelector(".meeting-slide.is-current");
        return shown ? parseInt(shown.getAttribute("data-slide"), 10) : 1;
    }

    function show(container, number) {
        var all = slides(container);
        if (!all.length) {
            return;
        }
        number = Math.min(Math.max(number, 1), all.length);
        all.forEach(function (slide) {
            var isCurrent = parseInt(slide.getAttribute("data-slide"), 10) === number;
            slide.classList.toggle("is-current", isCurrent);
            slide.setAttribute("aria-hidden", isCurrent ? "false" : "true");
        });
        var counter = document.getElementById("meeting-counter");
        if (counter) {
            counter.textContent = number + " / " + all.length;
        }
        var url = new URL(window.location.href);
        url.searchParams.set("slide", String(number));
        // Partner lists keep their commas (?partner=SMILTENE,PLH), as the dashboard writes them.
        var search = url.search.replace(/%2C/gi, ",");
        window.history.replaceState(window.history.state, "", url.pathname + search + url.hash);
        lastMove = Date.now();
    }

    document.addEventListener("keydown", function (event) {
        var container = deck();
        if (!container || event.altKey || event.ctrlKey || event.metaKey) {
            return;
        }
        var target = event.target;
        if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
            return;
        }
        var number = currentNumber(container);
        var count = slides(container).length;
        var next = null;
        switch (event.key) {
            case "ArrowRight":
            case "ArrowDown":
            case "PageDown":
            case " ":
                next = number + 1;
                break;
            case "ArrowLeft":
            case "ArrowUp":
            case "PageUp":
                next = number - 1;
                break;
            case "Home":
                next = 1;
                break;
            case "End":
                next = count;
                break;
            case "Escape":
                event.preventDefault();
                window.location.assign(container.getAttribute("data-exit") || "/");
                return;
            default:
                if (/^[1-9]$/.test(event.key) && parseInt(event.key, 10) <= count) {
                    next = parseInt(event.key, 10);
                }
        }
        if (next !== null) {
            event.preventDefault();
            show(container, next);
        }
    });

    window.setInterval(function () {
        var container = deck();
        if (!container) {
            shownDeck = null;
            return;
        }
        if (container !== shownDeck) {
            shownDeck = container;
            lastMove = Date.now();
        }
        var seconds = parseInt(container.getAttribute("data-auto") || "0", 10);
        if (seconds > 0 && Date.now() - lastMove >= seconds * 1000) {
            var count = slides(container).length;
            var number = currentNumber(container);
            show(container, number >= count ? 1 : number + 1);
        }
    }, 250);
})();
