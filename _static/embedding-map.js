/* Interactive embedding maps (embedding_course/embedding_map.py). Local file, no dependencies.
   Pointer: hover (or tap) names the word, drag moves, Ctrl/Cmd + wheel zooms (a plain wheel scrolls
   the page), two fingers pinch-zoom, one finger scrolls the page vertically.
   Keyboard (the map takes focus with Tab): arrows move, + / - zoom, 0 shows everything,
   n / p step through the words and name them. Buttons do the same; the word list below the map
   is its text alternative. */
(function () {
  "use strict";

  var LABEL_PX = 12, DOT_PX = 3;            // size on screen, whatever the map's width

  function init(figure) {
    var svg = figure.querySelector("svg.embedding-map-svg");
    var label = figure.querySelector(".embedding-map-label");
    if (!svg || !label) return;
    var box = svg.viewBox.baseVal;
    var home = [box.x, box.y, box.width, box.height];
    var view = home.slice();
    var dots = Array.prototype.slice.call(svg.querySelectorAll("circle[data-word]"));
    var names = Array.prototype.slice.call(svg.querySelectorAll("text"));
    var current = null, index = -1;

    function apply() {
      svg.setAttribute("viewBox", view.join(" "));
      var width = svg.getBoundingClientRect().width || home[2];
      var unit = view[2] / width;            // viewBox units per screen pixel
      dots.forEach(function (d) { d.setAttribute("r", (DOT_PX * unit).toFixed(3)); });
      names.forEach(function (t) { t.setAttribute("font-size", (LABEL_PX * unit).toFixed(3)); });
      svg.setAttribute("data-zoom", (home[2] / view[2]).toFixed(3));
    }
    function zoom(factor, cx, cy) {        // factor < 1 zooms in, around the point (cx, cy)
      var w = view[2] * factor;
      if (w > home[2] * 1.5 || w < home[2] / 50) return;
      view = [cx - (cx - view[0]) * factor, cy - (cy - view[1]) * factor, w, view[3] * factor];
      apply();
    }
    function move(dx, dy) { view[0] += dx * view[2]; view[1] += dy * view[3]; apply(); }
    function reset() { view = home.slice(); apply(); }
    function toSvg(x, y) {
      var pt = svg.createSVGPoint();
      pt.x = x;
      pt.y = y;
      return pt.matrixTransform(svg.getScreenCTM().inverse());
    }
    function centre() { return [view[0] + view[2] / 2, view[1] + view[3] / 2]; }
    function name(dot) {
      if (current) current.classList.remove("current");
      current = dot;
      dot.classList.add("current");
      label.textContent = dot.getAttribute("data-word") + " \u2014 " + dot.getAttribute("data-info");
    }

    svg.addEventListener("wheel", function (evt) {
      if (!(evt.ctrlKey || evt.metaKey)) return;     // a plain wheel scrolls the page
      evt.preventDefault();
      var p = toSvg(evt.clientX, evt.clientY);
      zoom(evt.deltaY < 0 ? 0.8 : 1.25, p.x, p.y);
    }, { passive: false });

    // Pointers: one drags (a mouse or pen anywhere; a finger sideways, since touch-action: pan-y
    // leaves vertical swipes to the page), two pinch.
    var pointers = {}, drag = null, pinch = null;
    function pointerList() { return Object.keys(pointers).map(function (k) { return pointers[k]; }); }
    svg.addEventListener("pointerdown", function (evt) {
      pointers[evt.pointerId] = { x: evt.clientX, y: evt.clientY };
      var list = pointerList();
      if (list.length === 2) {
        drag = null;
        pinch = { d: Math.hypot(list[0].x - list[1].x, list[0].y - list[1].y), view: view.slice() };
      } else if (list.length === 1) {
        drag = { x: evt.clientX, y: evt.clientY, view: view.slice(), ctm: svg.getScreenCTM() };
        svg.classList.add("dragging");
      }
    });
    window.addEventListener("pointermove", function (evt) {
      if (!(evt.pointerId in pointers)) return;
      pointers[evt.pointerId] = { x: evt.clientX, y: evt.clientY };
      var list = pointerList();
      if (pinch && list.length === 2) {
        var d = Math.hypot(list[0].x - list[1].x, list[0].y - list[1].y);
        var mid = toSvg((list[0].x + list[1].x) / 2, (list[0].y + list[1].y) / 2);
        view = pinch.view.slice();
        zoom(pinch.d / Math.max(d, 1), mid.x, mid.y);
      } else if (drag) {
        view = drag.view.slice();
        view[0] -= (evt.clientX - drag.x) / drag.ctm.a;
        view[1] -= (evt.clientY - drag.y) / drag.ctm.d;
        apply();
      }
    });
    function release(evt) {
      delete pointers[evt.pointerId];
      if (pointerList().length < 2) pinch = null;
      if (pointerList().length === 0) { drag = null; svg.classList.remove("dragging"); }
    }
    window.addEventListener("pointerup", release);
    window.addEventListener("pointercancel", release);

    svg.addEventListener("pointerover", function (evt) {
      var dot = evt.target.closest ? evt.target.closest("circle[data-word]") : null;
      if (dot) { index = dots.indexOf(dot); name(dot); }
    });

    svg.addEventListener("keydown", function (evt) {
      var c = centre(), key = evt.key;
      if (key === "ArrowLeft") move(-0.1, 0);
      else if (key === "ArrowRight") move(0.1, 0);
      else if (key === "ArrowUp") move(0, -0.1);
      else if (key === "ArrowDown") move(0, 0.1);
      else if (key === "+" || key === "=") zoom(0.67, c[0], c[1]);
      else if (key === "-" || key === "_") zoom(1.5, c[0], c[1]);
      else if (key === "0" || key === "Home") reset();
      else if ((key === "n" || key === "p") && dots.length) {
        index = (index + (key === "n" ? 1 : dots.length - 1)) % dots.length;
        name(dots[index]);
      } else return;
      evt.preventDefault();
    });

    figure.querySelectorAll("button[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var c = centre(), what = button.getAttribute("data-zoom");
        if (what === "in") zoom(0.67, c[0], c[1]);
        else if (what === "out") zoom(1.5, c[0], c[1]);
        else reset();
      });
    });
    window.addEventListener("resize", apply);
    apply();
  }

  function start() {
    document.querySelectorAll("figure.embedding-map").forEach(init);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
