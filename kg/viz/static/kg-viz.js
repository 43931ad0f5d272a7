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
      ready();
    };
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
  } else {
    network.once("afterDrawing", ready);
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

  var input = document.getElementById("kg-find");
  var list = document.getElementById("kg-names");
  var byName = new Map();
  data.nodes.forEach(function (n) {
    var name = String(n.name || n.label);
    var k = name.toLowerCase();
    if (!byName.has(k)) {
      byName.set(k, n.id);
      var o = document.createElement("option");
      o.value = name;
      list.appendChild(o);
    }
  });
  function find() {
    var id = byName.get(input.value.trim().toLowerCase());
    if (id === undefined) { input.setCustomValidity(input.value ? "no node by that name" : ""); return; }
    input.setCustomValidity("");
    network.selectNodes([id]);
    network.focus(id, { scale: 1.3, animation: { duration: 250 } });
    show(nodes.get(id));
  }
  input.addEventListener("change", find);
  input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") find(); });
})();
