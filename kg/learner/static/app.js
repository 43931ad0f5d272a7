/* kg learner: the page. Data comes from <script type="application/json" id="kg-data">,
 * the plan from plan.js (kgPlan). Text from the data only ever reaches the page through
 * textContent or attribute values set by the DOM API, never as markup.
 *
 * State: {goal, from, view, topic, course, known[], skipped[]} — in the URL's hash (so a
 * link reproduces it) and, for progress, in localStorage (so it survives a visit).
 */
(function () {
  "use strict";

  var STORE = "kg-learner-progress";
  var BACKUP = "kg-learner-progress-before-link";
  var FORMAT = "kg-progress";
  var VIEWS = ["plan", "topic", "course", "map"];
  // Kept in step with the .a0 ... .a15 swatches in app.css.
  var PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#ff7f0e", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"];
  var SVGNS = "http://www.w3.org/2000/svg";

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var G = new kgPlan.Graph(data);
  var T = data.topics;
  // Areas, biggest first: an area's colour is its place in this list.
  var AREAS = (function () {
    var count = new Map();
    T.forEach(function (t) { count.set(t.area, (count.get(t.area) || 0) + 1); });
    return Array.from(count.keys()).sort(function (a, b) { return count.get(b) - count.get(a) || a - b; });
  })();
  var AREA_SLOT = new Map(AREAS.map(function (a, k) { return [a, k % PALETTE.length]; }));
  var state = { goal: null, from: null, view: "plan", topic: null, course: 0, known: new Set(), skipped: new Set() };

  // ---------------------------------------------------------------- helpers

  function $(id) { return document.getElementById(id); }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) continue;
      if (k === "text") e.textContent = attrs[k];
      else if (k === "class") e.className = attrs[k];
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }

  function svg(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  /* Only http(s) links from the data become hrefs. */
  function safeUrl(u) {
    try {
      var p = new URL(String(u));
      return p.protocol === "https:" || p.protocol === "http:" ? p.href : null;
    } catch (e) { return null; }
  }

  function link(text, url) {
    var href = url && safeUrl(url);
    return href ? el("a", { href: href, rel: "noopener noreferrer", target: "_blank", text: text }) : el("span", { text: text });
  }

  function ix(id) { var i = G.byId.get(id); return i === undefined ? null : i; }

  function colour(i) { return PALETTE[AREA_SLOT.get(T[i].area)]; }

  function lectureName(c, l) {
    var course = data.courses[c], lec = course.lectures[l];
    return (course.code || course.id) + " lecture " + (lec.number || lec.position);
  }

  function fmtEffort(e) {
    if (e === undefined || e === null) return "effort unknown";
    return "≈ " + (Math.round(e * 100) / 100) + " lecture" + (e === 1 ? "" : "s");
  }

  // ---------------------------------------------------------------- state

  function progress() {
    var known = Array.from(state.known).sort(), skipped = Array.from(state.skipped).sort();
    return { format: FORMAT, version: 1, known: known, skipped: skipped, goal: state.goal, from: state.from };
  }

  function idsFrom(list) {
    return (Array.isArray(list) ? list : []).filter(function (id) { return typeof id === "string" && G.byId.has(id); });
  }

  function applyProgress(p) {
    state.known = new Set(idsFrom(p.known));
    state.skipped = new Set(idsFrom(p.skipped));
    if (typeof p.goal === "string" && G.byId.has(p.goal)) state.goal = p.goal;
    if (typeof p.from === "string" && G.byId.has(p.from)) state.from = p.from;
  }

  function save() {
    try { localStorage.setItem(STORE, JSON.stringify(progress())); } catch (e) { /* private mode */ }
  }

  function loadSaved() {
    try { var s = localStorage.getItem(STORE); return s ? JSON.parse(s) : null; } catch (e) { return null; }
  }

  function toHash() {
    var parts = [];
    if (state.goal) parts.push("goal=" + encodeURIComponent(state.goal));
    if (state.from) parts.push("from=" + encodeURIComponent(state.from));
    if (state.view !== "plan") parts.push("view=" + state.view);
    if (state.view === "topic" && state.topic) parts.push("topic=" + encodeURIComponent(state.topic));
    if (state.view === "course") parts.push("course=" + encodeURIComponent(data.courses[state.course] ? data.courses[state.course].id : ""));
    if (state.known.size) parts.push("known=" + Array.from(state.known).sort().map(encodeURIComponent).join(","));
    if (state.skipped.size) parts.push("skip=" + Array.from(state.skipped).sort().map(encodeURIComponent).join(","));
    return "#" + parts.join("&");
  }

  function parseHash(h) {
    var out = {};
    String(h || "").replace(/^#/, "").split("&").forEach(function (kv) {
      if (!kv) return;
      var i = kv.indexOf("="), k = i < 0 ? kv : kv.slice(0, i), v = i < 0 ? "" : kv.slice(i + 1);
      out[k] = v;
    });
    return out;
  }

  function list(v) { return v ? v.split(",").map(function (s) { try { return decodeURIComponent(s); } catch (e) { return ""; } }) : []; }

  function one(v) { try { return v ? decodeURIComponent(v) : null; } catch (e) { return null; } }

  function fromHash(h) {
    var q = parseHash(h);
    var goal = one(q.goal), from = one(q.from), topic = one(q.topic), course = one(q.course);
    state.goal = goal && G.byId.has(goal) ? goal : null;
    state.from = from && G.byId.has(from) ? from : null;
    state.view = VIEWS.indexOf(q.view) >= 0 ? q.view : "plan";
    state.topic = topic && G.byId.has(topic) ? topic : state.goal;
    data.courses.forEach(function (c, i) { if (c.id === course) state.course = i; });
    if ("known" in q) state.known = new Set(idsFrom(list(q.known)));
    if ("skip" in q) state.skipped = new Set(idsFrom(list(q.skip)));
    return q;
  }

  var writing = false;
  function commit(push) {
    save();
    var h = toHash();
    if (h !== location.hash && !(h === "#" && !location.hash)) {
      writing = true;
      try {
        if (push) history.pushState(null, "", h); else history.replaceState(null, "", h);
      } catch (e) { location.hash = h; }
      writing = false;
    }
    render();
  }

  // ---------------------------------------------------------------- search boxes

  function combobox(input, listbox, onChoose, testids) {
    var items = [], active = -1;
    function close() { clear(listbox); listbox.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); items = []; active = -1; }
    function choose(k) { var it = items[k]; close(); input.value = ""; onChoose(it.topic); }
    function mark() {
      Array.prototype.forEach.call(listbox.children, function (li, k) { li.setAttribute("aria-selected", k === active ? "true" : "false"); });
      if (active >= 0) input.setAttribute("aria-activedescendant", listbox.children[active].id);
    }
    input.addEventListener("input", function () {
      clear(listbox);
      items = G.search(input.value, 12);
      active = items.length ? 0 : -1;
      items.forEach(function (h, k) {
        var t = T[h.topic];
        var li = el("li", {
          id: listbox.id + "-" + k, role: "option", class: "result" + (state.known.has(t.id) ? " known" : ""),
          "data-testid": testids ? "result" : null, "data-topic": t.id, "aria-selected": "false",
          onmousedown: function (ev) { ev.preventDefault(); }, onclick: function () { choose(k); },
        }, [el("span", { class: "rlabel", text: t.label }), " ",
            el("span", { class: "rid", text: h.via.kind === "alias" ? "also: " + h.via.raw + " · " + t.id : t.id })]);
        listbox.appendChild(li);
      });
      if (!items.length && input.value.trim()) listbox.appendChild(el("li", { class: "none", role: "option", "aria-disabled": "true", text: "No topic matches" }));
      listbox.hidden = !listbox.children.length;
      input.setAttribute("aria-expanded", listbox.hidden ? "false" : "true");
      mark();
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key === "ArrowDown" && items.length) { active = (active + 1) % items.length; mark(); ev.preventDefault(); }
      else if (ev.key === "ArrowUp" && items.length) { active = (active - 1 + items.length) % items.length; mark(); ev.preventDefault(); }
      else if (ev.key === "Enter" && active >= 0) { choose(active); ev.preventDefault(); }
      else if (ev.key === "Escape") close();
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // ---------------------------------------------------------------- the plan

  function currentPlan() {
    if (!state.goal) return null;
    var goal = ix(state.goal), known = [];
    state.known.forEach(function (id) { var i = ix(id); if (i !== null) known.push(i); });
    if (state.from) known.push(ix(state.from));
    return { goal: goal, steps: G.plan(goal, known) };
  }

  function setKnown(id, on) {
    if (on) { state.known.add(id); state.skipped.delete(id); } else state.known.delete(id);
    commit(false);
  }

  function setSkipped(id, on) {
    if (on) state.skipped.add(id); else state.skipped.delete(id);
    commit(false);
  }

  function topicButton(i, extra) {
    return el("button", { type: "button", class: "tlink" + (extra ? " " + extra : ""), "data-go": T[i].id, text: T[i].label,
      onclick: function () { state.view = "topic"; state.topic = T[i].id; commit(true); } });
  }

  /* A list of the first `limit` items, then "… and N more WORDs", which shows the rest.
     The data lists every place, best first (kg.places.rank_places for lectures). */
  function listWithMore(items, limit, word) {
    var n = typeof limit === "number" ? Math.min(limit, items.length) : items.length;
    var ul = el("ul", null, items.slice(0, n));
    var rest = items.length - n;
    if (rest > 0) {
      var li = el("li", { class: "more" });
      li.appendChild(el("button", { type: "button", class: "tlink more-places",
        text: "… and " + rest + " more " + word + (rest === 1 ? "" : "s"),
        onclick: function () {
          ul.removeChild(li);
          items.slice(n).forEach(function (x) { ul.appendChild(x); });
          var first = items[n].querySelector("button, a");
          if (first) first.focus();
        } }));
      ul.appendChild(li);
    }
    return ul;
  }

  /* Where topic i is taught; `kind` is "topic" (its page) or "step" (a step of a plan),
     which says how many places of each kind show before "… and N more". */
  function whereTaught(i, kind) {
    var t = T[i], box = el("div", { class: "where" });
    var limits = (data.limits || {})[kind] || {};
    var lec = (t.taught || []).map(function (cl) {
      var c = data.courses[cl[0]], l = c.lectures[cl[1]];
      return el("li", null, [
        el("button", { type: "button", class: "tlink", text: lectureName(cl[0], cl[1]),
          onclick: function () { state.view = "course"; state.course = cl[0]; commit(true); } }),
        (l.date ? " (" + l.date + ")" : "") + ": " + l.title]);
    });
    var ch = (t.chapters || []).map(function (bc) {
      var b = data.books[bc[0]], c = b.chapters[bc[1]];
      var secs = c.sections && c.sections.length ? " (sections " + c.sections.join(", ") + ")" : "";
      return el("li", null, [link(b.title + ", ch. " + c.number + ": " + c.title, b.url), secs]);
    });
    var rd = (t.readings || []).map(function (r) {
      var x = data.readings[r];
      var meta = [x.kind, x.year].filter(Boolean).join(", ");
      return el("li", null, [link(x.title, x.url), meta ? " (" + meta + ")" : ""]);
    });
    [["Lectures", lec, "lectures", "lecture"], ["Chapters", ch, "chapters", "chapter"], ["Readings", rd, "readings", "reading"]].forEach(function (sec) {
      if (sec[1].length) box.appendChild(el("div", { "data-places": sec[2] }, [el("h4", { text: sec[0] }), listWithMore(sec[1], limits[sec[2]], sec[3])]));
    });
    if (!lec.length) box.appendChild(el("p", { class: "muted", text: "Not taught in any lecture in the graph." }));
    return box;
  }

  var PAGE = 150;
  var plan = { key: null, shown: PAGE };

  function renderPlan() {
    var root = clear($("plan-body")), p = currentPlan();
    var summary = $("plan-summary");
    if (!p) {
      summary.textContent = "Choose a goal: type a topic in the search box above.";
      clear($("plan-graph"));
      return;
    }
    var goal = T[p.goal];
    var steps = p.steps, needed = G.neededFor(steps);
    if (plan.key !== state.goal) { plan.key = state.goal; plan.shown = PAGE; }
    var effort = 0, todo = 0;
    steps.forEach(function (v) { if (!state.skipped.has(T[v].id)) { todo++; effort += T[v].effort || 0; } });
    summary.textContent = steps.length
      ? steps.length + " step" + (steps.length === 1 ? "" : "s") + " to " + goal.label +
        (state.from ? " from " + T[ix(state.from)].label : " from scratch") +
        ", about " + (Math.round(effort * 10) / 10) + " lectures' worth" +
        (todo < steps.length ? " (" + (steps.length - todo) + " skipped)" : "")
      : "Nothing to learn: " + goal.label + " is already known.";
    // Long plans are drawn a page at a time, so a goal deep in a large graph is quick.
    var shown = Math.min(steps.length, plan.shown);
    var ol = el("ol", { id: "steps", class: "steps" });
    steps.slice(0, shown).forEach(function (v, k) {
      var t = T[v], skipped = state.skipped.has(t.id);
      var why = needed[k].length
        ? el("ul", { class: "why" }, needed[k].map(function (n) {
            return el("li", null, ["Needed for ", topicButton(n.topic), " (step " + n.step + ")", n.reason ? ": " + n.reason : ""]);
          }))
        : el("p", { class: "why", text: v === p.goal ? "Your goal." : "" });
      var kid = "known-" + k, sid = "skip-" + k;
      var li = el("li", { class: "step" + (skipped ? " skipped" : ""), "data-testid": "step", "data-topic": t.id, id: "step-" + t.id }, [
        el("div", { class: "shead" }, [
          el("span", { class: "num", "aria-hidden": "true", text: String(k + 1) }),
          el("h3", null, [topicButton(v)]),
          el("span", { class: "effort", text: fmtEffort(t.effort) }),
          el("span", { class: "toggles" }, [
            el("input", { type: "checkbox", id: kid, "data-testid": "known", onchange: function (ev) { setKnown(t.id, ev.target.checked); } }),
            el("label", { for: kid, text: "I know this" }),
            el("input", { type: "checkbox", id: sid, "data-testid": "skip", checked: skipped, onchange: function (ev) { setSkipped(t.id, ev.target.checked); } }),
            el("label", { for: sid, text: "Skip" }),
          ]),
        ]),
        t.definition ? el("p", { class: "def", text: t.definition }) : null,
        why,
        whereTaught(v, "step"),
      ]);
      ol.appendChild(li);
    });
    root.appendChild(ol);
    if (shown < steps.length) {
      var more = Math.min(PAGE, steps.length - shown);
      root.appendChild(el("button", { type: "button", id: "more-steps", text: "Show the next " + more + " of " + (steps.length - shown) + " more steps",
        onclick: function () { plan.shown += PAGE; renderPlan(); } }));
    }
    drawPlanGraph(steps.slice(0, shown), p.goal);
  }

  /* The plan's graph, left to right: step k sits in column k (numbers read left to
   * right), in the lane nearest its first prerequisite whose label has room. */
  function drawPlanGraph(steps, goal) {
    var box = clear($("plan-graph"));
    if (!steps.length) return;
    var at = new Map();
    steps.forEach(function (v, k) { at.set(v, k); });
    var dx = 34, lane = 34, charW = 7, pad = 20;
    var laneEnd = [], laneOf = [], maxX = 0;
    steps.forEach(function (v, k) {
      var x = pad + k * dx;
      var want = 0;
      var pre = G.pre[v].filter(function (p) { return at.has(p); });
      if (pre.length) want = laneOf[at.get(pre[0])];
      var label = (k + 1) + ". " + T[v].label;
      var best = -1;
      for (var d = 0; d < laneEnd.length + 1 && best < 0; d++) {
        [want - d, want + d].forEach(function (l) { if (best < 0 && l >= 0 && (laneEnd[l] === undefined || laneEnd[l] <= x)) best = l; });
      }
      laneOf[k] = best;
      var end = x + 14 + label.length * charW;
      laneEnd[best] = end;
      maxX = Math.max(maxX, end);
    });
    var H = pad * 2 + lane * Math.max(1, laneEnd.length), W = maxX + pad;
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-labelledby": "plan-graph-title" });
    var title = svg("title", { id: "plan-graph-title" });
    title.textContent = "The plan's steps, numbered left to right, with arrows from each prerequisite to the step that needs it";
    s.appendChild(title);
    function pos(k) { return [pad + k * dx, pad + laneOf[k] * lane]; }
    steps.forEach(function (v, k) {
      G.pre[v].forEach(function (p) {
        if (!at.has(p)) return;
        var a = pos(at.get(p)), b = pos(k), mx = (a[0] + b[0]) / 2;
        s.appendChild(svg("path", { d: "M" + a[0] + "," + a[1] + " C" + mx + "," + a[1] + " " + mx + "," + b[1] + " " + (b[0] - 10) + "," + b[1], class: "edge", "marker-end": "url(#arrow)" }));
      });
    });
    var defs = svg("defs", {}), m = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto" });
    m.appendChild(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrowhead" }));
    defs.appendChild(m);
    s.insertBefore(defs, s.firstChild.nextSibling);
    steps.forEach(function (v, k) {
      var p = pos(k), g = svg("g", { class: "pnode" + (v === goal ? " goal" : "") + (state.skipped.has(T[v].id) ? " skipped" : ""), "data-topic": T[v].id });
      g.appendChild(svg("circle", { cx: p[0], cy: p[1], r: 10, fill: colour(v) }));
      var n = svg("text", { x: p[0], y: p[1] + 4, class: "n" }); n.textContent = String(k + 1); g.appendChild(n);
      var l = svg("text", { x: p[0] + 14, y: p[1] + 4, class: "l" }); l.textContent = T[v].label; g.appendChild(l);
      s.appendChild(g);
    });
    box.appendChild(s);
  }

  // ---------------------------------------------------------------- a topic

  function renderTopic() {
    var root = clear($("topic-body"));
    var i = state.topic ? ix(state.topic) : null;
    if (i === null) { root.appendChild(el("p", { text: "Choose a topic: search above, or pick one in the plan or on the map." })); return; }
    var t = T[i], known = G.knownClosure(Array.from(state.known).map(ix).filter(function (x) { return x !== null; }));
    var narrower = [];
    T.forEach(function (o, k) { if (o.broader === i) narrower.push(k); });
    var kidT = "topic-known";
    root.appendChild(el("h2", { id: "topic-title", text: t.label }));
    root.appendChild(el("p", { class: "muted", text: "id: " + t.id + (t.aliases && t.aliases.length ? " · also: " + t.aliases.join(", ") : "") }));
    if (t.definition) root.appendChild(el("p", { class: "def", text: t.definition }));
    root.appendChild(el("div", { class: "actions" }, [
      el("button", { type: "button", text: "Make this my goal", onclick: function () { state.goal = t.id; state.view = "plan"; commit(true); } }),
      el("input", { type: "checkbox", id: kidT, checked: state.known.has(t.id), onchange: function (ev) { setKnown(t.id, ev.target.checked); } }),
      el("label", { for: kidT, text: known[i] && !state.known.has(t.id) ? "I know this (already implied)" : "I know this" }),
    ]));
    if (t.broader !== undefined) root.appendChild(el("p", null, ["Part of ", topicButton(t.broader)]));
    if (narrower.length) root.appendChild(el("p", null, ["Parts: "].concat(narrower.map(function (k) { return topicButton(k); }))));
    drawNeighbourhood(root, i, known);
    var req = el("ul", null, (t.requires || []).map(function (r) { return el("li", null, [topicButton(r[0], known[r[0]] ? "done" : ""), r[1] ? ": " + r[1] : ""]); }));
    var deps = el("ul", null, G.post[i].map(function (d) { var why = G.reason(d, i); return el("li", null, [topicButton(d, known[d] ? "done" : ""), why ? ": " + why : ""]); }));
    root.appendChild(el("div", { class: "cols" }, [
      el("section", { "aria-label": "Requires" }, [el("h3", { text: "Requires (" + G.pre[i].length + ")" }), req]),
      el("section", { "aria-label": "Needed for" }, [el("h3", { text: "Needed for (" + G.post[i].length + ")" }), deps]),
    ]));
    root.appendChild(el("h3", { text: "Where it is taught" }));
    root.appendChild(whereTaught(i, "topic"));
  }

  /* Prerequisites in a column on the left, dependents on the right. */
  function drawNeighbourhood(root, i, known) {
    var left = G.pre[i], right = G.post[i], rowH = 26, W = 760, pad = 16;
    var H = pad * 2 + rowH * Math.max(left.length, right.length, 1);
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", height: H, role: "img", "aria-labelledby": "nb-title", class: "nb" });
    var title = svg("title", { id: "nb-title" });
    title.textContent = T[i].label + ": " + left.length + " prerequisites on the left, " + right.length + " dependents on the right";
    s.appendChild(title);
    var cx = W / 2, cy = H / 2;
    function yOf(k, n) { return pad + rowH / 2 + (H - 2 * pad - rowH * n) / 2 + k * rowH; }
    function node(j, x, y, anchor) {
      var g = svg("g", { class: "nnode" + (known[j] ? " done" : ""), "data-topic": T[j].id });
      g.appendChild(svg("circle", { cx: x, cy: y, r: 7, fill: colour(j) }));
      var tx = svg("text", { x: anchor === "end" ? x - 12 : x + 12, y: y + 4, "text-anchor": anchor });
      tx.textContent = (known[j] ? "✓ " : "") + T[j].label;
      g.appendChild(tx);
      g.addEventListener("click", function () { state.topic = T[j].id; commit(true); });
      s.appendChild(g);
    }
    left.forEach(function (j, k) { var y = yOf(k, left.length); s.appendChild(svg("line", { x1: 230, y1: y, x2: cx - 10, y2: cy, class: "edge" })); });
    right.forEach(function (j, k) { var y = yOf(k, right.length); s.appendChild(svg("line", { x1: cx + 10, y1: cy, x2: W - 230, y2: y, class: "edge" })); });
    left.forEach(function (j, k) { node(j, 230, yOf(k, left.length), "end"); });
    right.forEach(function (j, k) { node(j, W - 230, yOf(k, right.length), "start"); });
    var c = svg("g", { class: "nnode focus" });
    c.appendChild(svg("circle", { cx: cx, cy: cy, r: 11, fill: colour(i) }));
    var lt = svg("text", { x: cx, y: cy - 16, "text-anchor": "middle" }); lt.textContent = T[i].label; c.appendChild(lt);
    s.appendChild(c);
    root.appendChild(el("figure", { class: "graph" }, [s]));
  }

  // ---------------------------------------------------------------- a course

  function renderCourse() {
    var root = clear($("course-body"));
    var pick = el("select", { id: "course-pick", onchange: function (ev) { state.course = +ev.target.value; commit(true); } },
      data.courses.map(function (c, k) {
        return el("option", { value: String(k), selected: k === state.course, text: (c.code ? c.code + ": " : "") + c.name + (c.term ? " (" + c.term + ")" : "") });
      }));
    root.appendChild(el("p", null, [el("label", { for: "course-pick", text: "Course " }), pick]));
    var c = data.courses[state.course];
    if (!c) return;
    var known = G.knownClosure(Array.from(state.known).map(ix).filter(function (x) { return x !== null; }));
    root.appendChild(el("h2", null, [link(c.name, c.url)]));
    var meta = [c.code, c.term, c.provider].filter(Boolean).join(" · ");
    if (meta) root.appendChild(el("p", { class: "muted", text: meta }));
    var rows = c.lectures.map(function (l) {
      return el("tr", { "data-position": String(l.position) }, [
        el("td", { text: l.number || String(l.position) }),
        el("td", { text: l.date || "" }),
        el("td", { text: l.title }),
        el("td", null, (l.covers || []).map(function (t) { return topicButton(t, known[t] ? "done" : ""); })),
      ]);
    });
    root.appendChild(el("table", { class: "lectures" }, [
      el("caption", { text: c.lectures.length + " lectures in teaching order; ✓ marks topics you know" }),
      el("thead", null, [el("tr", null, ["No.", "Date", "Title", "Topics"].map(function (h) { return el("th", { scope: "col", text: h }); }))]),
      el("tbody", null, rows),
    ]));
  }

  // ---------------------------------------------------------------- the map

  var map = { scale: 0, x: 0, y: 0, canvas: null };
  var COLW = 210, ROWH = 26;

  function mapBounds() {
    var w = 0, h = 0;
    T.forEach(function (t) { w = Math.max(w, t.xy[0]); h = Math.max(h, t.xy[1]); });
    return [(w + 1) * COLW, (h + 1) * ROWH];
  }

  function fitMap() {
    var c = map.canvas, b = mapBounds();
    map.scale = Math.min(c.width / (b[0] + 40), c.height / (b[1] + 40));
    map.x = 20 * map.scale; map.y = 20 * map.scale;
  }

  function drawMap() {
    var c = map.canvas;
    if (!c) return;
    var ctx = c.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, c.width, c.height);
    ctx.setTransform(map.scale, 0, 0, map.scale, map.x, map.y);
    var known = G.knownClosure(Array.from(state.known).map(ix).filter(function (x) { return x !== null; }));
    var p = currentPlan(), inPlan = new Set(p ? p.steps : []);
    ctx.lineWidth = 1 / map.scale;
    ctx.strokeStyle = "rgba(120,120,120,0.35)";
    ctx.beginPath();
    T.forEach(function (t, i) {
      (t.requires || []).forEach(function (r) {
        var a = T[r[0]].xy;
        ctx.moveTo(a[0] * COLW + 6, a[1] * ROWH); ctx.lineTo(t.xy[0] * COLW - 6, t.xy[1] * ROWH);
      });
    });
    ctx.stroke();
    var labels = map.scale * 12 >= 8;
    ctx.font = "12px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    T.forEach(function (t, i) {
      var x = t.xy[0] * COLW, y = t.xy[1] * ROWH;
      ctx.beginPath();
      ctx.arc(x, y, 6, 0, 2 * Math.PI);
      ctx.fillStyle = colour(i);
      ctx.fill();
      if (known[i]) { ctx.lineWidth = 2.5 / Math.max(map.scale, 0.3); ctx.strokeStyle = "#111111"; ctx.stroke(); }
      if (inPlan.has(i)) { ctx.lineWidth = 3 / Math.max(map.scale, 0.3); ctx.strokeStyle = "#ff9900"; ctx.beginPath(); ctx.arc(x, y, 9, 0, 2 * Math.PI); ctx.stroke(); }
      if (labels) { ctx.fillStyle = "#111111"; ctx.fillText((known[i] ? "✓ " : "") + t.label, x + 9, y); }
    });
    if (!labels) {  // area names at their first topic, so the zoomed-out map still reads
      ctx.font = (12 / map.scale) + "px system-ui, sans-serif";
      ctx.fillStyle = "#111111";
      var done = {};
      T.forEach(function (t, i) { if (!done[t.area] && t.area === i) { done[t.area] = 1; ctx.fillText(t.label, t.xy[0] * COLW + 9, t.xy[1] * ROWH); } });
    }
    c.setAttribute("data-labels", labels ? "shown" : "hidden");
  }

  function zoom(f, cx, cy) {
    var c = map.canvas;
    if (cx === undefined) { cx = c.width / 2; cy = c.height / 2; }
    map.x = cx - (cx - map.x) * f; map.y = cy - (cy - map.y) * f; map.scale *= f;
    drawMap();
  }

  function hit(ev) {
    var r = map.canvas.getBoundingClientRect();
    var x = (ev.clientX - r.left - map.x) / map.scale, y = (ev.clientY - r.top - map.y) / map.scale;
    var best = null, bd = Infinity;
    T.forEach(function (t, i) { var dx = t.xy[0] * COLW - x, dy = t.xy[1] * ROWH - y, d = dx * dx + dy * dy; if (d < bd) { bd = d; best = i; } });
    return best !== null && Math.sqrt(bd) * map.scale < 14 ? best : null;
  }

  function renderMap() {
    var root = $("map-body");
    if (!map.canvas) {
      var c = el("canvas", { id: "map-canvas", tabindex: "0", role: "img", "aria-label": "Map of all " + T.length + " topics, coloured by area; use the search box to reach a topic by keyboard, + and - to zoom, arrow keys to move" });
      c.width = Math.max(600, root.clientWidth || 1000); c.height = 560;
      map.canvas = c;
      var drag = null;
      c.addEventListener("wheel", function (ev) { ev.preventDefault(); var r = c.getBoundingClientRect(); zoom(ev.deltaY < 0 ? 1.2 : 1 / 1.2, ev.clientX - r.left, ev.clientY - r.top); }, { passive: false });
      c.addEventListener("mousedown", function (ev) { drag = [ev.clientX, ev.clientY, map.x, map.y, false]; });
      window.addEventListener("mousemove", function (ev) {
        if (!drag) return;
        if (Math.abs(ev.clientX - drag[0]) + Math.abs(ev.clientY - drag[1]) > 3) drag[4] = true;
        map.x = drag[2] + ev.clientX - drag[0]; map.y = drag[3] + ev.clientY - drag[1]; drawMap();
      });
      window.addEventListener("mouseup", function (ev) {
        if (drag && !drag[4]) { var i = hit(ev); if (i !== null) { state.view = "topic"; state.topic = T[i].id; commit(true); } }
        drag = null;
      });
      c.addEventListener("keydown", function (ev) {
        var step = 60, k = ev.key;
        if (k === "+" || k === "=") zoom(1.25); else if (k === "-") zoom(0.8);
        else if (k === "ArrowLeft") { map.x += step; drawMap(); } else if (k === "ArrowRight") { map.x -= step; drawMap(); }
        else if (k === "ArrowUp") { map.y += step; drawMap(); } else if (k === "ArrowDown") { map.y -= step; drawMap(); }
        else return;
        ev.preventDefault();
      });
      root.appendChild(el("div", { class: "maptools" }, [
        el("button", { type: "button", text: "Zoom in", onclick: function () { zoom(1.25); } }),
        el("button", { type: "button", text: "Zoom out", onclick: function () { zoom(0.8); } }),
        el("button", { type: "button", text: "Fit", onclick: function () { fitMap(); drawMap(); } }),
      ]));
      root.appendChild(c);
      root.appendChild(el("ul", { class: "legend", "aria-label": "Areas" }, AREAS.map(function (a) {
        return el("li", null, [el("span", { class: "swatch a" + AREA_SLOT.get(a), "aria-hidden": "true" }), T[a].label]);
      }).concat([el("li", { text: "black ring: known · orange ring: in your plan" })])));
      fitMap();
    }
    drawMap();
  }

  // ---------------------------------------------------------------- everything

  function renderKnown() {
    var ul = clear($("known-list"));
    var ids = Array.from(state.known).sort();
    $("known-count").textContent = String(ids.length);
    ids.forEach(function (id, k) {
      var i = ix(id);
      ul.appendChild(el("li", null, [topicButton(i), " ",
        el("button", { type: "button", class: "small", "aria-label": "Forget that I know " + T[i].label, text: "×", onclick: function () { setKnown(id, false); } })]));
    });
  }

  function render() {
    VIEWS.forEach(function (v) {
      $("view-" + v).hidden = state.view !== v;
      var tab = $("tab-" + v);
      if (state.view === v) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
    });
    $("goal-now").textContent = state.goal ? T[ix(state.goal)].label : "none yet";
    $("from-now").textContent = state.from ? T[ix(state.from)].label : "scratch";
    $("from-clear").hidden = !state.from;
    renderKnown();
    if (state.view === "plan") renderPlan();
    else if (state.view === "topic") renderTopic();
    else if (state.view === "course") renderCourse();
    else renderMap();
    document.documentElement.dataset.kgState = "ready";
  }

  function exportProgress() {
    var blob = new Blob([JSON.stringify(progress(), null, 2) + "\n"], { type: "application/json" });
    var a = el("a", { href: URL.createObjectURL(blob), download: "kg-progress.json" });
    document.body.appendChild(a); a.click(); a.remove();
  }

  function importProgress(file) {
    var msg = $("io-status");
    file.text().then(function (text) {
      var p;
      try { p = JSON.parse(text); } catch (e) { msg.textContent = "Not a kg progress file: " + e.message; return; }
      if (!p || p.format !== FORMAT) { msg.textContent = "Not a kg progress file (no \"format\": \"" + FORMAT + "\")"; return; }
      var unknown = (p.known || []).concat(p.skipped || []).filter(function (id) { return !G.byId.has(id); });
      applyProgress(p);
      msg.textContent = "Imported " + state.known.size + " known topics" + (unknown.length ? "; ignored " + unknown.length + " not in this graph" : "") + ".";
      commit(false);
    });
  }

  function start() {
    var saved = loadSaved();
    if (saved) applyProgress(saved);
    var q = location.hash.length > 1 ? fromHash(location.hash) : {};
    if (!state.topic) state.topic = state.goal;
    if (saved && ("known" in q || "skip" in q)) {
      var mine = JSON.stringify([saved.known || [], saved.skipped || []]);
      var theirs = JSON.stringify([Array.from(state.known).sort(), Array.from(state.skipped).sort()]);
      if (mine !== theirs) {
        try { localStorage.setItem(BACKUP, JSON.stringify(saved)); } catch (e) { /* ignore */ }
        var note = $("link-note");
        note.hidden = false;
        $("link-restore").addEventListener("click", function () { applyProgress(saved); note.hidden = true; commit(false); });
      }
    }
    combobox($("search"), $("results"), function (i) { state.goal = T[i].id; state.view = "plan"; commit(true); }, true);
    combobox($("start"), $("start-results"), function (i) { state.from = T[i].id; commit(true); }, false);
    $("from-clear").addEventListener("click", function () { state.from = null; commit(true); });
    VIEWS.forEach(function (v) {
      $("tab-" + v).addEventListener("click", function (ev) { ev.preventDefault(); state.view = v; if (v === "topic" && !state.topic) state.topic = state.goal; commit(true); });
    });
    $("export").addEventListener("click", exportProgress);
    $("import").addEventListener("change", function (ev) { if (ev.target.files[0]) importProgress(ev.target.files[0]); ev.target.value = ""; });
    $("clear-known").addEventListener("click", function () { state.known.clear(); state.skipped.clear(); commit(false); });
    window.addEventListener("hashchange", function () { if (!writing) { fromHash(location.hash); save(); render(); } });
    window.addEventListener("popstate", function () { fromHash(location.hash); save(); render(); });
    commit(false);
  }

  start();
})();
