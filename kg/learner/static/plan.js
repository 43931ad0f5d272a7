/* kg learner: the plan algorithm and topic search, over the app data (kg/learner/data.py).
 *
 * This mirrors kg/algorithms/paths.py learning_plan with the key kg/plan.py orders by:
 * the plan is the goal and everything it transitively requires, minus the known closure
 * (the known topics, the start, and everything they require); it is ordered by a
 * lexicographic topological sort whose key the data names (`ordering`, see Graph.plan).
 * The prerequisite edges are kg.plan.prerequisite_graph's, so an umbrella topic's parts
 * are already among its prerequisites (knowing it means knowing them). Topic indices are
 * sorted by the Python tie-break (label case-folded, then id).
 *
 * tests/test_learner_plan.py runs this file in node against `kg path --format json`.
 * No DOM here: it works in node and in the page alike.
 */
(function (root) {
  "use strict";

  function Graph(data) {
    var n = data.topics.length;
    this.data = data;
    this.n = n;
    this.byId = new Map();
    this.pre = new Array(n);   // prerequisites (predecessors)
    this.post = new Array(n);  // dependents (successors)
    this.rank = new Float64Array(n);
    for (var i = 0; i < n; i++) { this.pre[i] = []; this.post[i] = []; }
    for (i = 0; i < n; i++) {
      var t = data.topics[i];
      this.byId.set(t.id, i);
      this.rank[i] = typeof t.rank === "number" ? t.rank : Infinity;
      var req = t.requires || [];
      for (var k = 0; k < req.length; k++) {
        this.pre[i].push(req[k][0]);
        this.post[req[k][0]].push(i);
      }
    }
    for (i = 0; i < n; i++) this.post[i].sort(function (a, b) { return a - b; });
  }

  /* Every index reachable from `starts` along `adj`, the starts included. */
  Graph.prototype.reach = function (starts, adj) {
    var seen = new Uint8Array(this.n), out = [], stack = [];
    for (var i = 0; i < starts.length; i++) {
      if (!seen[starts[i]]) { seen[starts[i]] = 1; stack.push(starts[i]); }
    }
    while (stack.length) {
      var v = stack.pop();
      out.push(v);
      var nb = adj[v];
      for (var j = 0; j < nb.length; j++) {
        if (!seen[nb[j]]) { seen[nb[j]] = 1; stack.push(nb[j]); }
      }
    }
    return { seen: seen, list: out };
  };

  /* The known topics and everything they require (paths.known_closure). */
  Graph.prototype.knownClosure = function (known) {
    return this.reach(known, this.pre).seen;
  };

  /* Effective ranks over `nodes` (a 0/1 mask): a topic's own rank, else the smallest
   * among its dependents inside `nodes` (paths.effective_ranks). */
  Graph.prototype.effectiveRanks = function (mask, list) {
    var eff = new Float64Array(this.n).fill(Infinity);
    var order = this.topo(mask, list, function (a, b) { return a - b; });
    for (var k = order.length - 1; k >= 0; k--) {
      var v = order[k];
      if (this.rank[v] !== Infinity) { eff[v] = this.rank[v]; continue; }
      var m = Infinity, post = this.post[v];
      for (var j = 0; j < post.length; j++) if (mask[post[j]] && eff[post[j]] < m) m = eff[post[j]];
      eff[v] = m;
    }
    return eff;
  };

  /* Lexicographic topological sort of the `mask` subgraph, smallest `cmp` first
   * (networkx.lexicographical_topological_sort). */
  Graph.prototype.topo = function (mask, list, cmp) {
    var indeg = new Int32Array(this.n), heap = [], out = [];
    for (var i = 0; i < list.length; i++) {
      var v = list[i], p = this.pre[v], d = 0;
      for (var j = 0; j < p.length; j++) if (mask[p[j]]) d++;
      indeg[v] = d;
      if (d === 0) push(heap, v, cmp);
    }
    while (heap.length) {
      v = pop(heap, cmp);
      out.push(v);
      var s = this.post[v];
      for (j = 0; j < s.length; j++) {
        if (mask[s[j]] && --indeg[s[j]] === 0) push(heap, s[j], cmp);
      }
    }
    if (out.length !== list.length) throw new Error("prerequisite cycle among the plan's topics");
    return out;
  };

  function push(h, v, cmp) {
    h.push(v);
    var i = h.length - 1;
    while (i > 0) {
      var p = (i - 1) >> 1;
      if (cmp(h[i], h[p]) >= 0) break;
      var t = h[i]; h[i] = h[p]; h[p] = t; i = p;
    }
  }

  function pop(h, cmp) {
    var top = h[0], last = h.pop();
    if (h.length) {
      h[0] = last;
      var i = 0, n = h.length;
      for (;;) {
        var l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && cmp(h[l], h[m]) < 0) m = l;
        if (r < n && cmp(h[r], h[m]) < 0) m = r;
        if (m === i) break;
        var t = h[i]; h[i] = h[m]; h[m] = t; i = m;
      }
    }
    return top;
  }

  /* Foundations first (paths.foundations_first_ranks): in topological order, a topic's
   * rank is its own rank but never before its latest-ranked prerequisite in `mask`; a
   * topic without a rank comes as soon as its prerequisites do (0 with none). */
  Graph.prototype.foundationsFirst = function (mask, list) {
    var out = new Float64Array(this.n);
    var order = this.topo(mask, list, function (a, b) { return a - b; });
    for (var k = 0; k < order.length; k++) {
      var v = order[k], after = 0, pre = this.pre[v];
      for (var j = 0; j < pre.length; j++) if (mask[pre[j]] && out[pre[j]] > after) after = out[pre[j]];
      out[v] = this.rank[v] !== Infinity ? Math.max(this.rank[v], after) : after;
    }
    return out;
  };

  /* How many topics in `mask` build on each topic of `mask` (its descendants there):
   * one pass in reverse topological order over bitsets. */
  Graph.prototype.uses = function (mask, list) {
    var m = list.length, words = (m + 31) >>> 5, at = new Int32Array(this.n).fill(-1);
    var order = this.topo(mask, list, function (a, b) { return a - b; });
    order.forEach(function (v, k) { at[v] = k; });
    var bits = new Uint32Array(m * words), out = new Int32Array(this.n);
    for (var k = m - 1; k >= 0; k--) {
      var v = order[k], post = this.post[v], row = k * words;
      for (var j = 0; j < post.length; j++) {
        var s = post[j];
        if (!mask[s]) continue;
        var ks = at[s], srow = ks * words;
        for (var w = 0; w < words; w++) bits[row + w] |= bits[srow + w];
        bits[row + (ks >>> 5)] |= 1 << (ks & 31);
      }
      var c = 0;
      for (w = 0; w < words; w++) { var x = bits[row + w]; x -= (x >>> 1) & 0x55555555; x = (x & 0x33333333) + ((x >>> 2) & 0x33333333); c += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24; }
      out[v] = c;
    }
    return out;
  };

  /* The plan to reach `goal` (an index) for someone who knows `known` (indices; the
   * start goes in here too): the indices to learn, in order.
   *
   * The order's key follows kg/plan.py, as the data says (`ordering`):
   * "foundations-first": (foundations-first rank, most topics building on it first,
   * tie-break index); "just-in-time": (effective rank, tie-break index). Both ranks are
   * computed over the goal and everything it requires. */
  Graph.prototype.plan = function (goal, known) {
    var have = this.knownClosure(known);
    if (have[goal]) return [];
    var need = this.reach([goal], this.pre);
    var mask = new Uint8Array(this.n), list = [];
    for (var i = 0; i < need.list.length; i++) {
      var v = need.list[i];
      if (!have[v]) { mask[v] = 1; list.push(v); }
    }
    if (this.data.ordering === "foundations-first") {
      var ff = this.foundationsFirst(need.seen, need.list), uses = this.uses(need.seen, need.list);
      return this.topo(mask, list, function (a, b) {
        return ff[a] < ff[b] ? -1 : ff[a] > ff[b] ? 1 : uses[b] - uses[a] || a - b;
      });
    }
    var eff = this.effectiveRanks(need.seen, need.list);
    return this.topo(mask, list, function (a, b) {
      return eff[a] < eff[b] ? -1 : eff[a] > eff[b] ? 1 : a - b;
    });
  };

  /* For each step, the later steps that need it (with the reason), in plan order. */
  Graph.prototype.neededFor = function (steps) {
    var at = new Map(), out = [];
    steps.forEach(function (v, k) { at.set(v, k); });
    for (var k = 0; k < steps.length; k++) {
      var v = steps[k], later = [];
      var post = this.post[v];
      for (var j = 0; j < post.length; j++) if (at.has(post[j])) later.push(post[j]);
      later.sort(function (a, b) { return at.get(a) - at.get(b); });
      var self = this;
      out.push(later.map(function (d) { return { topic: d, step: at.get(d) + 1, reason: self.reason(d, v) }; }));
    }
    return out;
  };

  /* Why `topic` requires `pre` (the qualified edge's reason), or null. */
  Graph.prototype.reason = function (topic, pre) {
    var req = this.data.topics[topic].requires || [];
    for (var i = 0; i < req.length; i++) if (req[i][0] === pre) return req[i][1];
    return null;
  };

  // ------------------------------------------------------------------- search

  function norm(s) {
    return String(s).toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[^a-z0-9]+/g, " ").trim();
  }

  /* Edit distance (with transpositions) if at most `max`, else max + 1. */
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev2 = null, prev = [], cur;
    for (var j = 0; j <= b.length; j++) prev.push(j);
    for (var i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var c = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
        cur.push(v);
        if (v < best) best = v;
      }
      if (best > max) return max + 1;
      prev2 = prev; prev = cur;
    }
    return prev[b.length];
  }

  Graph.prototype.names = function () {
    if (this._names) return this._names;
    var names = [];
    this.data.topics.forEach(function (t, i) {
      var all = [t.id.replace(/-/g, " "), t.label].concat(t.aliases || []);
      var seen = {};
      all.forEach(function (s, k) {
        var n = norm(s);
        if (n && !seen[n]) { seen[n] = 1; names.push({ topic: i, text: n, words: n.split(" "), kind: k === 0 ? "id" : k === 1 ? "label" : "alias", raw: s }); }
      });
    });
    this._names = names;
    return names;
  };

  /* Topics matching `text` by id, label or alias: exact, prefix, word prefix, substring,
   * then near misses (a typo or two); best first, at most `limit`. */
  Graph.prototype.search = function (text, limit) {
    var q = norm(text);
    if (!q) return [];
    var qw = q.split(" "), best = new Map(), names = this.names();
    var max = q.length <= 4 ? 1 : 2;
    for (var i = 0; i < names.length; i++) {
      var nm = names[i], s = 0, t = nm.text;
      if (t === q) s = 100;
      else if (t.indexOf(q) === 0) s = 90;
      else if (qw.every(function (w) { return nm.words.some(function (x) { return x.indexOf(w) === 0; }); })) s = 80;
      else if (t.indexOf(q) >= 0) s = 70;
      else if (q.length >= 3) {
        var d = distance(q, t, max);
        if (d <= max) s = 60 - 10 * d;
        else {
          // a near miss of one word: "atention" -> "attention mechanism"
          for (var w = 0; w < nm.words.length && !s; w++) {
            var word = nm.words[w];
            if (word.length >= 3 && distance(q, word, max) <= max) s = 45;
          }
        }
      }
      if (s && nm.kind === "alias") s -= 1;
      if (s && (!best.has(nm.topic) || best.get(nm.topic).score < s)) best.set(nm.topic, { topic: nm.topic, score: s, via: nm });
    }
    var out = Array.from(best.values());
    out.sort(function (a, b) { return b.score - a.score || a.topic - b.topic; });
    return out.slice(0, limit || 12);
  };

  var api = { Graph: Graph, norm: norm, distance: distance };
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.kgPlan = api;
})(this);
