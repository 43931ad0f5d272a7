// kg viz: the page's only script besides vis-network (see kg/viz/templates/kg.html).
// The data arrive as JSON in the element #kg-data (type application/json): the nodes,
// edges and options of the pyvis Network the page was rendered from. Everything from
// the data is set with textContent or as a property, never parsed as HTML: tooltips are
// DOM elements built here (vis-network shows an Element title as it is), so markup in a
// label, a definition or a title containing "href" stays text.
(function () {
  "use strict";
  var root = document.documentElement;
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null && text !== "") e.textContent = String(text);
    return e;
  }
  function tipElement(tip) {
    var box = el("div", "kg-tip");
    box.appendChild(el("div", "kg-tip-title", tip.title));
    if (tip.kind) box.appendChild(el("div", "kg-tip-kind", tip.kind));
    if (tip.text) box.appendChild(el("p", "kg-tip-text", tip.text));
    (tip.sections || []).forEach(function (s) {
      box.appendChild(el("div", "kg-tip-head", s[0]));
      var ul = el("ul");
      s[1].forEach(function (line) { ul.appendChild(el("li", null, line)); });
      box.appendChild(ul);
    });
    return box;
  }
  function titleOf(item) {
    // kg's structured tooltip, else a plain title (pyvis's add_node(title=...)) as text.
    if (item.tip) return tipElement(item.tip);
    if (item.title === undefined || item.title === null || item.title === "") return undefined;
    return el("div", "kg-tip kg-tip-plain", item.title);
  }
  data.nodes.forEach(function (n) { var t = titleOf(n); if (t) n.title = t; else delete n.title; });
  data.edges.forEach(function (e) { var t = titleOf(e); if (t) e.title = t; else delete e.title; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("graph"), { nodes: nodes, edges: edges }, data.options);
  window.kgNetwork = network;
  function ready() {
    root.setAttribute("data-kg-state", "ready");
    if (window.performance && performance.mark) performance.mark("kg-ready");
  }
  // Labels: every label is drawn once it is big enough to read (vis-network's
  // drawThreshold), so more appear as you zoom in; at the first view the most important
  // nodes (courses, lectures, then the topics most others depend on) get a font big
  // enough to read at that zoom, so no view opens as unlabelled dots.
  function priority(n) {
    return (n.shape === "hexagon" ? 1e6 : n.shape === "square" ? 1e5 : 0) + (+n.size || 0);
  }
  function emphasise() {
    var scale = network.getScale(), box = document.getElementById("graph");
    var base = (data.options.nodes && data.options.nodes.font && data.options.nodes.font.size) || 14;
    var readable = 12;
    if (!(scale > 0) || base * scale >= readable) return;
    var k = Math.max(12, Math.floor(box.clientWidth * box.clientHeight / 24000));
    var ranked = data.nodes.slice().sort(function (a, b) { return priority(b) - priority(a); });
    var wide = (data.options.nodes && data.options.nodes.widthConstraint && data.options.nodes.widthConstraint.maximum) || 150;
    var size = Math.min(readable / scale, 40 * base);
    // Greedily, most important first, the labels whose boxes (in screen pixels, below
    // the node) would not overlap one already chosen.
    var pos = network.getPositions(ranked.map(function (n) { return n.id; }));
    var taken = [], chosen = [];
    for (var i = 0; i < ranked.length && chosen.length < k; i++) {
      var n = ranked[i], p = pos[n.id];
      if (!p) continue;
      var c = network.canvasToDOM(p);
      var w = Math.min(String(n.label).length * readable * 0.6, wide * scale * size / base), h = readable * 2.6;
      var r = [c.x - w / 2 - 4, c.y, c.x + w / 2 + 4, c.y + h + 12];
      if (taken.some(function (t) { return r[0] < t[2] && t[0] < r[2] && r[1] < t[3] && t[1] < r[3]; })) continue;
      taken.push(r);
      chosen.push(n);
    }
    // the label wraps where it would at the normal size, not mid-word
    nodes.update(chosen.map(function (n) { return { id: n.id, font: { size: size }, widthConstraint: { maximum: wide * size / base } }; }));
  }
  window.kgEmphasise = emphasise;
  var physics = data.options.physics;  // vis-network's default (absent) is on
  var moving = physics === undefined || physics === true ||
    (physics !== null && typeof physics === "object" && physics.enabled !== false);
  if (moving) {
    // Never spin forever: once the layout has settled, physics goes off for good.
    var settled = false;
    var settle = function () {
      if (settled) return;
      settled = true;
      network.setOptions({ physics: false });
      emphasise();
      ready();
    };
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
  } else {
    network.once("afterDrawing", function () { emphasise(); ready(); });
  }
  root.setAttribute("data-kg-state", "drawing");

  var info = document.getElementById("kg-info");
  var body = document.getElementById("kg-info-body");
  function panel(item) {
    if (!item) return null;
    if (item.tip) return tipElement(item.tip);
    if (item.title instanceof Element) return el("div", "kg-tip kg-tip-plain", item.title.textContent);
    return null;
  }
  function show(item) {
    body.replaceChildren();
    var p = panel(item);
    if (p) { body.appendChild(p); info.hidden = false; } else { info.hidden = true; }
  }
  document.getElementById("kg-info-close").addEventListener("click", function () { show(null); });
  network.on("click", function (p) {
    if (p.nodes.length) show(nodes.get(p.nodes[0]));
    else if (p.edges.length) show(edges.get(p.edges[0]));
    else show(null);
  });

  // Find: a node by its label, or (topics) its id or an alias, any case; else the first
  // name that starts with, then contains, what was typed.
  var input = document.getElementById("kg-find");
  var list = document.getElementById("kg-names");
  var byName = new Map();
  function norm(s) { return String(s).toLowerCase().replace(/[\s_-]+/g, " ").trim(); }
  data.nodes.forEach(function (n) {
    var label = String(n.name || n.label);
    [label].concat(n.find || []).forEach(function (name) {
      var k = norm(name);
      if (k && !byName.has(k)) byName.set(k, n.id);
    });
    var o = document.createElement("option");
    o.value = label;
    list.appendChild(o);
  });
  function lookup(text) {
    var q = norm(text), hit;
    if (!q) return undefined;
    if (byName.has(q)) return byName.get(q);
    byName.forEach(function (id, name) { if (hit === undefined && name.indexOf(q) === 0) hit = id; });
    if (hit === undefined) byName.forEach(function (id, name) { if (hit === undefined && name.indexOf(q) >= 0) hit = id; });
    return hit;
  }
  function find() {
    var id = lookup(input.value);
    if (id === undefined) { input.setCustomValidity(input.value ? "no node by that name" : ""); return; }
    input.setCustomValidity("");
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: { duration: 250 } });
    show(nodes.get(id));
  }
  input.addEventListener("change", find);
  input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") find(); });
})();
