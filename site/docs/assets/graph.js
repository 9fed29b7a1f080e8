/* The taxonomy as an interactive layered graph (home page).
 *
 * Reads the JSON written by taxonomy/site/layout.py (positions are computed at build time),
 * draws one SVG: edges as lines, nodes as links to their pages. Level checkboxes hide kinds,
 * the search box dims non-matching nodes and lists matches; wheel zooms, drag pans.
 * Node text is untrusted: it only ever reaches the DOM through textContent.
 * When drawn, sets window.__graphReady = performance.now() (read by the browser tests).
 */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function html(name, attrs, parent, text) {
    var node = document.createElement(name);
    for (var key in attrs) node.setAttribute(key, attrs[key]);
    if (text !== undefined) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function label(name) {
    return name.length > 20 ? name.slice(0, 19) + "\u2026" : name;
  }

  function render(host, data) {
    var base = host.getAttribute("data-base") || "nodes/";
    var controls = html("div", { class: "graph-controls" }, host);
    var levels = html("fieldset", { class: "graph-levels" }, controls);
    html("legend", {}, levels, "Levels");
    var search = html("input", {
      type: "search", class: "graph-search", placeholder: "Search nodes by name or id",
      "aria-label": "Search nodes",
    }, controls);
    var count = html("span", { class: "graph-count" }, controls);
    var zoomIn = html("button", { type: "button", class: "graph-zoom", title: "Zoom in" }, controls, "+");
    var zoomOut = html("button", { type: "button", class: "graph-zoom", title: "Zoom out" }, controls, "\u2212");
    var reset = html("button", { type: "button", class: "graph-zoom", title: "Fit" }, controls, "Fit");
    var matches = html("ol", { class: "graph-matches" }, host);

    var svg = el("svg", { class: "taxonomy-svg", role: "img", "aria-label": "Taxonomy graph" });
    var full = [0, 0, data.width, data.height];
    var view = full.slice();
    function setView() { svg.setAttribute("viewBox", view.join(" ")); }
    setView();
    var edgeLayer = el("g", { class: "edges" }, svg);
    var labelLayer = el("g", { class: "layer-labels" }, svg);
    var nodeLayer = el("g", { class: "nodes" }, svg);
    data.layers.forEach(function (layer) {
      var t = el("text", { x: 8, y: layer.y + 4, class: "layer-label kind-" + layer.kind }, labelLayer);
      t.textContent = layer.label;
    });

    var w = data.node_w, h = data.node_h;
    var nodeEls = data.nodes.map(function (n) {
      var a = el("a", {
        href: base + n.id + "/", class: "gnode kind-" + n.kind + " status-" + n.status,
        "data-id": n.id, "data-kind": n.kind,
      }, nodeLayer);
      el("rect", { x: n.x - w / 2, y: n.y - h / 2, width: w, height: h, rx: 6 }, a);
      var t = el("text", { x: n.x, y: n.y + 4, "text-anchor": "middle" }, a);
      t.textContent = (n.status === "hypothesis" ? "? " : "") + label(n.name);
      var tip = el("title", {}, a);
      tip.textContent = n.name + " (" + n.kind + ", " + n.status + ")" +
        (n.best === null || n.best === undefined ? "" : ", best " + n.best.toFixed(3) + " bits");
      return a;
    });
    var edgeEls = data.edges.map(function (e) {
      var c = data.nodes[e[0]], p = data.nodes[e[1]];
      return el("line", { x1: c.x, y1: c.y - h / 2, x2: p.x, y2: p.y + h / 2 }, edgeLayer);
    });

    var hidden = {};
    var kinds = data.layers.map(function (l) { return l.kind; });
    kinds.forEach(function (kind) {
      var lab = html("label", { class: "graph-level" }, levels);
      var box = html("input", { type: "checkbox", value: kind, "data-kind": kind }, lab);
      box.checked = true;
      var n = data.nodes.filter(function (x) { return x.kind === kind; }).length;
      lab.appendChild(document.createTextNode(" " + kind + " (" + n + ")"));
      box.addEventListener("change", function () { hidden[kind] = !box.checked; apply(); });
    });

    function apply() {
      var q = search.value.trim().toLowerCase();
      var shown = 0, found = [];
      data.nodes.forEach(function (n, i) {
        var visible = !hidden[n.kind];
        nodeEls[i].style.display = visible ? "" : "none";
        var match = q === "" || n.name.toLowerCase().indexOf(q) >= 0 || n.id.indexOf(q) >= 0;
        nodeEls[i].classList.toggle("dim", q !== "" && !match);
        nodeEls[i].classList.toggle("match", q !== "" && match && visible);
        if (visible) shown++;
        if (visible && q !== "" && match) found.push(n);
      });
      data.edges.forEach(function (e, i) {
        var off = hidden[data.nodes[e[0]].kind] || hidden[data.nodes[e[1]].kind];
        edgeEls[i].style.display = off ? "none" : "";
      });
      count.textContent = q === "" ? shown + " nodes" : found.length + " of " + shown + " nodes match";
      host.setAttribute("data-visible", String(shown));
      while (matches.firstChild) matches.removeChild(matches.firstChild);
      found.slice(0, 20).forEach(function (n) {
        var li = html("li", {}, matches);
        html("a", { href: base + n.id + "/" }, li, n.name);
        li.appendChild(document.createTextNode(" (" + n.kind + ")"));
      });
    }
    search.addEventListener("input", apply);

    function zoom(factor, cx, cy) {
      var nw = Math.min(full[2] * 1.5, Math.max(200, view[2] * factor));
      var k = nw / view[2];
      if (cx === undefined) { cx = view[0] + view[2] / 2; cy = view[1] + view[3] / 2; }
      view = [cx - (cx - view[0]) * k, cy - (cy - view[1]) * k, view[2] * k, view[3] * k];
      setView();
    }
    function toSvg(evt) {
      var r = svg.getBoundingClientRect();
      var s = Math.max(view[2] / r.width, view[3] / r.height);
      return [view[0] + (evt.clientX - r.left) * s, view[1] + (evt.clientY - r.top) * s, s];
    }
    svg.addEventListener("wheel", function (evt) {
      evt.preventDefault();
      var p = toSvg(evt);
      zoom(evt.deltaY > 0 ? 1.2 : 1 / 1.2, p[0], p[1]);
    }, { passive: false });
    var drag = null, moved = false;
    svg.addEventListener("pointerdown", function (evt) {
      drag = [evt.clientX, evt.clientY, view[0], view[1], toSvg(evt)[2]];
      moved = false;
    });
    window.addEventListener("pointermove", function (evt) {
      if (!drag) return;
      var dx = evt.clientX - drag[0], dy = evt.clientY - drag[1];
      if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
      if (!moved) return;
      view[0] = drag[2] - dx * drag[4];
      view[1] = drag[3] - dy * drag[4];
      setView();
    });
    window.addEventListener("pointerup", function () { drag = null; });
    svg.addEventListener("click", function (evt) {
      if (moved) { evt.preventDefault(); moved = false; }
    }, true);
    zoomIn.addEventListener("click", function () { zoom(1 / 1.4); });
    zoomOut.addEventListener("click", function () { zoom(1.4); });
    reset.addEventListener("click", function () { view = full.slice(); setView(); });

    var frame = html("div", { class: "graph-frame" }, host);
    frame.appendChild(svg);
    // As tall as the drawing at full width, within [260, 640] px; zoom shows the rest.
    var fitHeight = data.height * frame.clientWidth / data.width;
    svg.style.height = Math.round(Math.max(260, Math.min(640, fitHeight))) + "px";
    apply();
    host.setAttribute("data-nodes", String(data.nodes.length));
    host.setAttribute("data-edges", String(data.edges.length));
    window.requestAnimationFrame(function () {
      host.setAttribute("data-ready", "1");
      window.__graphReady = performance.now();
    });
  }

  function init() {
    var host = document.getElementById("taxonomy-graph");
    if (!host || host.getAttribute("data-started")) return;
    host.setAttribute("data-started", "1");
    fetch(host.getAttribute("data-src"))
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (data) { render(host, data); })
      .catch(function (err) {
        host.setAttribute("data-error", String(err));
        html("p", { class: "graph-error" }, host, "The graph could not be loaded: " + err);
      });
  }

  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
