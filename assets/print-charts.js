/* Printing a page (assets/60-print.css): plotly draws a chart at the width it had on screen, so a chart
   1,900 px wide on a projector would be cut at the edge of an A4 page. Just before printing (the print
   dialog, or Chromium's page.pdf()) every chart wider than the paper is drawn at the paper's width, and
   after printing it follows its container again. Meeting slides are printed whole, at half size
   (60-print.css), so their charts keep their size. */
(function () {
    "use strict";
    // A4 portrait, 12 mm margins (60-print.css's @page), less a card's padding: 186 mm is 703 CSS px.
    var PRINT_WIDTH = 670;
    var resized = [];

    function charts() {
        return Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot")).filter(
            function (chart) {
                return !chart.closest(".meeting-deck");
            }
        );
    }

    window.addEventListener("beforeprint", function () {
        if (!window.Plotly) {
            return;
        }
        charts().forEach(function (chart) {
            if (chart.getBoundingClientRect().width > PRINT_WIDTH) {
                window.Plotly.relayout(chart, { width: PRINT_WIDTH });
                resized.push(chart);
            }
        });
    });

    window.addEventListener("afterprint", function () {
        resized.splice(0).forEach(function (chart) {
            if (document.body.contains(chart)) {
                window.Plotly.relayout(chart, { width: null, autosize: true }).then(function () {
                    window.Plotly.Plots.resize(chart);
                });
            }
        });
    });
})();
