/* The vector explorer (book/explorer.md). Local file, no dependencies, nothing sent anywhere:
   a vectors file chosen by the reader is read by the browser (FileReader) and stays there.
   Vectors: word2vec's text format ("V d" header optional, then a word and its d numbers per line),
   the course's own loaded from _static/course-vectors.js (window.COURSE_VECTORS). */
(function () {
  "use strict";

  var MAX_WORDS = 50000, NEIGHBOURS = 10, WIDTH = 600, HEIGHT = 380, MARGIN = 60;

  // Parses word2vec's text format into unit rows; throws an Error that says what is wrong.
  function parse(text) {
    var lines = text.split(/\r?\n/), words = [], rows = [], dim = 0, skipped = 0;
    var start = 0;
    var head = lines.length ? lines[0].trim().split(/\s+/) : [];
    if (head.length === 2 && /^\d+$/.test(head[0]) && /^\d+$/.test(head[1])) start = 1;
    for (var i = start; i < lines.length && words.length < MAX_WORDS; i++) {
      var parts = lines[i].trim().split(/\s+/);
      if (parts.length < 2 || parts[0] === "") continue;
      var values = parts.slice(1).map(Number);
      if (!dim) dim = values.length;
      if (values.length !== dim || !values.every(isFinite)) { skipped++; continue; }
      words.push(parts[0]);
      rows.push(values);
    }
    if (words.length < 2) throw new Error("no vectors found: expected lines of a word followed by its numbers");
    var data = new Float32Array(words.length * dim), index = new Map();
    rows.forEach(function (row, r) {
      var norm = Math.sqrt(row.reduce(function (s, x) { return s + x * x; }, 0)) || 1;
      for (var j = 0; j < dim; j++) data[r * dim + j] = row[j] / norm;
      if (!index.has(words[r])) index.set(words[r], r);
    });
    return { words: words, dim: dim, data: data, index: index, skipped: skipped };
  }

  // The k rows closest to row q by cosine (rows are unit length), q excluded, most similar first.
  function nearest(vec, q, k) {
    var best = [], d = vec.dim, n = vec.words.length;
    for (var r = 0; r < n; r++) {
      if (r === q) continue;
      var s = 0;
      for (var j = 0; j < d; j++) s += vec.data[r * d + j] * vec.data[q * d + j];
      if (best.length < k || s > best[best.length - 1][1]) {
        best.push([r, s]);
        best.sort(function (a, b) { return b[1] - a[1]; });
        if (best.length > k) best.pop();
      }
    }
    return best;
  }

  // 2-D coordinates of the given rows: their first two principal components (power iteration on
  // the centred rows' Gram matrix, which is as small as the number of rows).
  function project(vec, rows) {
    var d = vec.dim, m = rows.length, mean = new Float64Array(d);
    rows.forEach(function (r) { for (var j = 0; j < d; j++) mean[j] += vec.data[r * d + j] / m; });
    var X = rows.map(function (r) {
      var x = new Float64Array(d);
      for (var j = 0; j < d; j++) x[j] = vec.data[r * d + j] - mean[j];
      return x;
    });
    var G = X.map(function (a) { return X.map(function (b) {
      var s = 0; for (var j = 0; j < d; j++) s += a[j] * b[j]; return s; }); });
    var coords = rows.map(function () { return [0, 0]; });
    for (var c = 0; c < 2; c++) {
      var v = rows.map(function (_, i) { return Math.sin(i + 1 + c); }), lambda = 0;
      for (var it = 0; it < 200; it++) {
        var w = G.map(function (row) { return row.reduce(function (s, g, j) { return s + g * v[j]; }, 0); });
        lambda = Math.sqrt(w.reduce(function (s, x) { return s + x * x; }, 0)) || 1;
        v = w.map(function (x) { return x / lambda; });
      }
      v.forEach(function (x, i) { coords[i][c] = x * Math.sqrt(lambda); });
      G = G.map(function (row, i) { return row.map(function (g, j) { return g - lambda * v[i] * v[j]; }); });
    }
    return coords;
  }

  function init(root) {
    var status = root.querySelector(".ve-status"), loaded = root.querySelector(".ve-source");
    var form = root.querySelector("form");
    var input = root.querySelector("input[type=search]"), file = root.querySelector("input[type=file]");
    var list = root.querySelector("ol"), svg = root.querySelector("svg"), vec = null, source = "";

    function say(text, isError, line) {
      line = line || status;
      line.textContent = text;
      line.classList.toggle("ve-error", !!isError);
    }
    function clear() {
      list.innerHTML = "";
      while (svg.lastChild) svg.removeChild(svg.lastChild);
    }
    function show(word) {
      clear();
      if (!vec) return;
      var q = vec.index.get(word.trim().toLowerCase());
      if (q === undefined) q = vec.index.get(word.trim());
      if (q === undefined) { say("\u201c" + word + "\u201d is not in " + source + ".", true); return; }
      var best = nearest(vec, q, Math.min(NEIGHBOURS, vec.words.length - 1));
      best.forEach(function (b) {
        var item = document.createElement("li");
        item.textContent = vec.words[b[0]] + " ";
        var sim = document.createElement("span");
        sim.className = "ve-similarity";
        sim.textContent = b[1].toFixed(2);
        item.appendChild(sim);
        list.appendChild(item);
      });
      say("The " + best.length + " nearest neighbours of \u201c" + vec.words[q] + "\u201d in " + source +
          " (cosine similarity), and a picture of them.");
      draw([q].concat(best.map(function (b) { return b[0]; })));
    }
    function draw(rows) {
      var xy = project(vec, rows), ns = "http://www.w3.org/2000/svg";
      var xs = xy.map(function (p) { return p[0]; }), ys = xy.map(function (p) { return p[1]; });
      var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
      var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
      var sx = (WIDTH - 2 * MARGIN) / ((x1 - x0) || 1), sy = (HEIGHT - 2 * MARGIN) / ((y1 - y0) || 1);
      svg.setAttribute("aria-label", "The word \u201c" + vec.words[rows[0]] + "\u201d and its neighbours on the first two " +
                       "principal components of their vectors: " + rows.map(function (r) { return vec.words[r]; }).join(", "));
      rows.forEach(function (r, i) {
        var x = MARGIN + (xy[i][0] - x0) * sx, y = HEIGHT - MARGIN - (xy[i][1] - y0) * sy;
        var dot = document.createElementNS(ns, "circle");
        dot.setAttribute("cx", x.toFixed(1)); dot.setAttribute("cy", y.toFixed(1));
        dot.setAttribute("r", i === 0 ? 7 : 5);
        dot.setAttribute("class", i === 0 ? "ve-query" : "ve-neighbour");
        dot.setAttribute("data-word", vec.words[r]);
        var label = document.createElementNS(ns, "text");
        label.setAttribute("x", (x + 9).toFixed(1)); label.setAttribute("y", (y + 4).toFixed(1));
        label.textContent = vec.words[r];
        svg.appendChild(dot);
        svg.appendChild(label);
      });
    }
    function load(text, name) {
      var parsed = parse(text);          // throws: the vectors already loaded stay
      vec = parsed;
      source = name;
      say("Loaded: " + name + ", " + vec.words.length.toLocaleString("en") + " words \u00d7 " + vec.dim + " dimensions" +
          (vec.skipped ? " (" + vec.skipped + " malformed lines skipped)" : "") + ".", false, loaded);
      root.setAttribute("data-words", String(vec.words.length));
    }

    form.addEventListener("submit", function (evt) { evt.preventDefault(); show(input.value); });
    root.querySelectorAll("button[data-word]").forEach(function (button) {
      button.addEventListener("click", function () { input.value = button.getAttribute("data-word"); show(input.value); });
    });
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) return;
      var reader = new FileReader();
      reader.onload = function () {
        try {
          load(String(reader.result), chosen.name);
          if (input.value && vec.index.has(input.value.trim().toLowerCase())) show(input.value);
          else clear();
        } catch (err) {
          say("Could not read " + chosen.name + ": " + err.message + ". The vectors loaded before are kept.", true, loaded);
        }
      };
      reader.onerror = function () { say("Could not read " + chosen.name + ".", true, loaded); };
      reader.readAsText(chosen);
    });
    if (window.COURSE_VECTORS) {
      load(window.COURSE_VECTORS.text, window.COURSE_VECTORS.name);
      input.value = "president";
      show(input.value);
    } else {
      say("The course's vectors are missing from this copy of the site: load a vectors file.", true, loaded);
    }
  }

  function start() { document.querySelectorAll(".vector-explorer").forEach(init); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
