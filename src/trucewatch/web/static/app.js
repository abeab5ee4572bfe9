// trucewatch dashboard: draws the Plotly figures embedded in the page as JSON, and shows the
// sentence of an escalation marker when it is selected. No framework, no inline script.
"use strict";

(function () {
  // Plotly's own options for every chart: no logo, resize with the page.
  var CONFIG = { responsive: true, displaylogo: false };

  // Put the sentence of an event into the detail panel, its words marked. Built with DOM calls
  // and textContent only, so nothing from an article is ever parsed as HTML.
  function showEvent(panel, point) {
    var d = point.customdata; // [id, date, what, who, sentence, article, start, end, status]
    panel.replaceChildren();
    var heading = document.createElement("h2");
    heading.textContent = d[1] + " " + d[2] + (d[8] && d[8] !== "asserted" ? " (" + d[8] + ")" : "");
    var who = document.createElement("p");
    who.className = "meta";
    who.textContent = new DOMParser().parseFromString(d[3], "text/html").documentElement.textContent;
    var sentence = document.createElement("p");
    sentence.className = "sentence";
    var text = d[4], start = d[6], end = d[7];
    if (start >= 0 && end > start && end <= text.length) {
      var mark = document.createElement("mark");
      mark.className = "trigger";
      mark.textContent = text.slice(start, end);
      sentence.append(text.slice(0, start), mark, text.slice(end));
    } else {
      sentence.textContent = text;
    }
    var link = document.createElement("a");
    link.href = "/articles/" + encodeURIComponent(d[5]) + "#event-" + encodeURIComponent(d[0]);
    link.textContent = "Read it in its article";
    panel.append(heading, who, sentence, link);
    panel.dataset.event = d[0];
    panel.focus({ preventScroll: true });
  }

  function draw(element) {
    var source = document.getElementById(element.dataset.figure);
    if (!source || typeof Plotly === "undefined") return;
    var figure = JSON.parse(source.textContent);
    var config = Object.assign({}, CONFIG);
    if (element.dataset.topojson) config.topojsonURL = element.dataset.topojson;
    Plotly.newPlot(element, figure.data, figure.layout, config).then(function () {
      element.dataset.ready = "true";
    });
    var panel = element.dataset.detail && document.getElementById(element.dataset.detail);
    if (panel) {
      element.on("plotly_click", function (event) {
        var point = event.points.find(function (p) { return Array.isArray(p.customdata); });
        if (point) showEvent(panel, point);
      });
    }
  }

  document.querySelectorAll("[data-figure]").forEach(draw);
})();
