/* Interactive embedding maps (embedding_course/embedding_map.py): hover names the word, the wheel or the
   + / − buttons zoom, dragging moves. Local file, no dependencies, nothing loaded from elsewhere. */
(function () {
  "use strict";

  function init(figure) {
    var svg = figure.querySelector("svg.embedding-map-svg");
    var label = figure.querySelector(".embedding-map-label");
    if (!svg || !label) return;
    var box = svg.viewBox.baseVal;
    var home = [box.x, box.y, box.width, box.height];
    var view = home.slice();
    var radius = parseFloat(svg.getAttribute("data-radius")) || 3;
    var fontSize = parseFloat(svg.getAttribute("data-font-size")) || 11;
    var dots = Array.prototype.slice.call(svg.querySelectorAll("circle[data-word]"));
    var names = Array.prototype.slice.call(svg.querySelectorAll("text"));
    var current = null;

    function apply() {
      svg.setAttribute("viewBox", view.join(" "));
      var s = view[2] / home[2];          // dots and names keep their size on screen
      dots.forEach(function (d) { d.setAttribute("r", (radius * s).toFixed(3)); });
      names.forEach(function (t) { t.setAttribute("font-size", (fontSize * s).toFixed(3)); });
      svg.setAttribute("data-zoom", (home[2] / view[2]).toFixed(3));
    }
    function zoom(factor, cx, cy) {        // factor < 1 zooms in, around the point (cx, cy)
      var w = view[2] * factor;
      if (w > home[2] * 1.5 || w < home[2] / 50) return;
      view = [cx - (cx - view[0]) * factor, cy - (cy - view[1]) * factor, w, view[3] * factor];
      apply();
    }
    function toSvg(evt) {
      var pt = svg.createSVGPoint();
      pt.x = evt.clientX;
      pt.y = evt.clientY;
      return pt.matrixTransform(svg.getScreenCTM().inverse());
    }
    function centre() { return [view[0] + view[2] / 2, view[1] + view[3] / 2]; }

    svg.addEventListener("wheel", function (evt) {
      evt.preventDefault();
      var p = toSvg(evt);
      zoom(evt.deltaY < 0 ? 0.8 : 1.25, p.x, p.y);
    }, { passive: false });

    var drag = null;
    svg.addEventListener("pointerdown", function (evt) {
      drag = { x: evt.clientX, y: evt.clientY, view: view.slice(), ctm: svg.getScreenCTM() };
      svg.classList.add("dragging");
    });
    window.addEventListener("pointermove", function (evt) {
      if (!drag) return;
      view = drag.view.slice();
      view[0] -= (evt.clientX - drag.x) / drag.ctm.a;
      view[1] -= (evt.clientY - drag.y) / drag.ctm.d;
      apply();
    });
    window.addEventListener("pointerup", function () { drag = null; svg.classList.remove("dragging"); });

    svg.addEventListener("pointerover", function (evt) {
      var dot = evt.target.closest ? evt.target.closest("circle[data-word]") : null;
      if (!dot) return;
      if (current) current.classList.remove("current");
      current = dot;
      dot.classList.add("current");
      label.textContent = dot.getAttribute("data-word") + " \u2014 " + dot.getAttribute("data-info");
    });

    figure.querySelectorAll("button[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var c = centre(), what = button.getAttribute("data-zoom");
        if (what === "in") zoom(0.67, c[0], c[1]);
        else if (what === "out") zoom(1.5, c[0], c[1]);
        else { view = home.slice(); apply(); }
      });
    });
    apply();
  }

  function start() {
    document.querySelectorAll("figure.embedding-map").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
