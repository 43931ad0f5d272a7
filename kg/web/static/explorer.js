// kg's SPARQL page: the editor (editor/editor.js, CodeMirror 6), the shipped queries
// with their parameters as form fields, results as a table with labels, CSV/JSON
// download and a shareable link (/sparql#query=... or /sparql#shipped=NAME&topic=...).
// Everything comes from this server; nothing is loaded from elsewhere.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  if (!$("run") || !$("query")) return;
  const ID = document.body.dataset.kgId; // kg's namespace, from the page
  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  let prefixes = {}; // name -> namespace IRI
  let library = [];
  let last = null; // the last successful run: {text, graph, body}
  let rendered = null; // the text of the shipped query as its form last rendered it

  // ---------------------------------------------------------------- prefixed names
  // The same rule as kg.vocab.curie: the longest namespace whose remainder is a local
  // name as it is (no "/": ids below a kind print as full IRIs).
  function local(rest) {
    for (let i = 0; i < rest.length; i++) {
      const ch = rest[i];
      if (!(/[\p{L}\p{N}_:]/u.test(ch) || (ch === "-" && i > 0) || (ch === "." && i > 0 && i < rest.length - 1))) return null;
    }
    return rest;
  }
  function curie(iri) {
    const names = Object.keys(prefixes).sort((a, b) => prefixes[b].length - prefixes[a].length);
    for (const p of names) {
      if (iri.startsWith(prefixes[p])) {
        const l = local(iri.slice(prefixes[p].length));
        if (l !== null) return p + ":" + l;
      }
    }
    return "<" + iri + ">";
  }

  // ---------------------------------------------------------------- the editor
  const textarea = $("query");
  let editor = null;
  const terms = [];
  if (window.KGEditor) {
    editor = window.KGEditor.create($("editor"), {
      doc: textarea.value,
      nonce: $("editor").dataset.styleNonce,
      terms,
      onRun: () => run(),
      onChange: (text) => { textarea.value = text; },
    });
    textarea.hidden = true;
    document.body.classList.add("has-editor");
  }
  const getQuery = () => (editor ? editor.getValue() : textarea.value);
  const setQuery = (text) => { textarea.value = text; if (editor) editor.setValue(text); };
  window.kgQueryPage = { getQuery, setQuery, curie };

  async function sparql(text, accept) {
    return fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", Accept: accept },
      body: text,
    });
  }

  async function loadTerms() {
    const rows = await sparql(
      `SELECT ?x ?label ?kind WHERE {
         { ?x a kg:Topic ; skos:prefLabel ?label BIND("topic" AS ?kind) }
         UNION { ?x a kg:Course BIND("course" AS ?kind) OPTIONAL { ?x schema:name ?label } }
         UNION { ?x a kg:Reading ; schema:name ?label BIND("reading" AS ?kind) }
         UNION { ?x a kg:Book ; schema:name ?label BIND("book" AS ?kind) }
         UNION { ?x a ?t ; rdfs:label ?label FILTER(?t IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty)) BIND("vocabulary" AS ?kind) }
       }`, "application/sparql-results+json");
    if (!rows.ok) return;
    const data = await rows.json();
    const seen = new Set();
    const list = Object.keys(prefixes).map((p) => ({ label: p + ":", type: "namespace", detail: prefixes[p] }));
    const topics = [], courses = [];
    for (const b of data.results.bindings) {
      const name = curie(b.x.value);
      if (seen.has(name)) continue;
      seen.add(name);
      const kind = b.kind.value;
      const label = b.label ? b.label.value : "";
      list.push({ label: name, type: kind === "vocabulary" ? "property" : "constant", detail: label });
      if (kind === "topic") topics.push([b.x.value.slice(ID.length + "topic/".length), label]);
      if (kind === "course") courses.push([b.x.value.slice(ID.length + "course/".length), label]);
    }
    for (const extra of ["skos:prefLabel", "skos:altLabel", "skos:definition", "skos:broader", "skos:Concept",
      "schema:name", "schema:isPartOf", "schema:startDate", "schema:Course", "schema:CreativeWork",
      "rdfs:label", "rdf:type", "prov:wasDerivedFrom"]) {
      if (!seen.has(extra)) list.push({ label: extra, type: "property" });
    }
    terms.splice(0, terms.length, ...list);
    fillList("kg-topics", topics);
    fillList("kg-courses", courses);
  }
  function fillList(id, items) {
    const dl = $(id);
    if (!dl) return;
    dl.replaceChildren(...items.sort().map(([v, l]) => { const o = el("option", l); o.value = v; return o; }));
  }

  // ---------------------------------------------------------------- shipped queries
  function current() { return library.find((q) => q.name === $("library").value); }

  function renderShipped() {
    const q = current();
    if (!q) return;
    let text = q.template;
    for (const p of q.params) {
      const input = $("param-" + p.name);
      const value = input && input.value.trim() ? input.value.trim() : p.default;
      const ok = new RegExp(p.pattern).test(value);
      if (input) input.setCustomValidity(ok ? "" : "not a " + p.kind + " id");
      const short = ok ? local(value) : null;
      const term = short !== null ? p.prefix + ":" + short : "<" + ID + p.kind + "/" + encodeURIComponent(value) + ">";
      text = text.split("$" + p.name).join(term);
    }
    setQuery(text);
    rendered = text;
  }

  function showParams(values) {
    const q = current();
    const form = $("params");
    form.replaceChildren();
    $("description").textContent = q ? q.description : "";
    if (!q) return;
    for (const p of q.params) {
      const label = el("label", p.name + " ");
      const input = el("input");
      input.id = "param-" + p.name;
      input.name = p.name;
      input.value = (values && values.get(p.name)) || p.default;
      input.setAttribute("list", p.kind === "topic" ? "kg-topics" : "kg-courses");
      input.setAttribute("pattern", p.pattern.replace(/^\^|\$$/g, ""));
      input.spellcheck = false;
      input.addEventListener("input", renderShipped);
      label.appendChild(input);
      form.appendChild(label);
    }
    renderShipped();
  }

  $("library").addEventListener("change", () => showParams(null));
  $("params").addEventListener("submit", (e) => { e.preventDefault(); run(); });

  // ---------------------------------------------------------------- results
  function link(iri) {
    const a = el("a", curie(iri));
    a.href = "/resource/" + iri.slice(ID.length).split("/").map(encodeURIComponent).join("/");
    return a;
  }
  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri") {
      if (term.value.startsWith(ID)) {
        const a = link(term.value);
        a.dataset.iri = term.value;
        td.appendChild(a);
        td.appendChild(el("span", curie(term.value), "curie"));
      } else {
        td.appendChild(el("span", curie(term.value), "iri"));
      }
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) td.appendChild(el("span", "@" + term["xml:lang"], "lang"));
    }
    return td;
  }

  async function addLabels(iris) {
    if (!iris.length) return;
    const values = iris.slice(0, 500).map((i) => "<" + i + ">").join(" ");
    const r = await sparql(
      `SELECT ?x (SAMPLE(?l) AS ?label) WHERE { VALUES ?x { ${values} }
         { ?x skos:prefLabel ?l } UNION { ?x schema:name ?l } UNION { ?x rdfs:label ?l } } GROUP BY ?x`,
      "application/sparql-results+json");
    if (!r.ok) return;
    const labels = new Map((await r.json()).results.bindings.map((b) => [b.x.value, b.label.value]));
    for (const a of document.querySelectorAll("#results a[data-iri]")) {
      const label = labels.get(a.dataset.iri);
      if (label) { a.textContent = label; a.classList.add("labelled"); }
    }
  }

  function status(text) { $("status").textContent = text; }

  async function run() {
    const text = getQuery();
    const graph = /^\s*(?:(?:PREFIX|BASE)[^\n]*\n\s*|#[^\n]*\n\s*)*(CONSTRUCT|DESCRIBE)\b/i.test(text);
    status("running…");
    $("results").replaceChildren();
    setDownloads(false);
    const t0 = performance.now();
    const r = await sparql(text, graph ? "text/turtle" : "application/sparql-results+json");
    const ms = Math.round(performance.now() - t0);
    const body = await r.text();
    if (!r.ok) { status(""); $("results").appendChild(el("pre", body, "error")); return; }
    last = { text, graph, body };
    setShare();
    if (graph) { $("results").appendChild(el("pre", body)); status(ms + " ms"); setDownloads(true); return; }
    const data = JSON.parse(body);
    if ("boolean" in data) { $("results").appendChild(el("p", String(data.boolean))); status(ms + " ms"); return; }
    const table = el("table"), head = el("tr");
    for (const v of data.head.vars) head.appendChild(el("th", v));
    const thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    const tbody = el("tbody");
    const iris = new Set();
    for (const b of data.results.bindings) {
      const tr = el("tr");
      for (const v of data.head.vars) {
        tr.appendChild(cell(b[v]));
        if (b[v] && b[v].type === "uri" && b[v].value.startsWith(ID)) iris.add(b[v].value);
      }
      tbody.appendChild(tr);
    }
    table.appendChild(tbody);
    $("results").appendChild(table);
    const capped = r.headers.get("X-KG-Truncated");
    const n = data.results.bindings.length;
    status(n + " row" + (n === 1 ? "" : "s") + ", " + ms + " ms" + (capped ? " (" + capped + ")" : ""));
    setDownloads(true);
    await addLabels([...iris]);
  }

  // ---------------------------------------------------------------- download, share
  function setDownloads(on) {
    for (const id of ["download-csv", "download-json"]) $(id).disabled = !on;
    $("download-csv").textContent = last && last.graph ? "Download Turtle" : "Download CSV";
    $("download-json").textContent = last && last.graph ? "Download JSON-LD" : "Download JSON";
  }
  async function download(kind) {
    if (!last) return;
    const types = last.graph
      ? { csv: ["text/turtle", "ttl"], json: ["application/ld+json", "jsonld"] }
      : { csv: ["text/csv", "csv"], json: ["application/sparql-results+json", "json"] };
    const [accept, ext] = types[kind];
    const r = await sparql(last.text, accept);
    if (!r.ok) { status("download failed: " + r.status); return; }
    const url = URL.createObjectURL(await r.blob());
    const a = el("a");
    a.href = url;
    a.download = "kg-results." + ext;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }
  $("download-csv").addEventListener("click", () => download("csv"));
  $("download-json").addEventListener("click", () => download("json"));

  function shareHash() {
    const q = current();
    const params = new URLSearchParams();
    if (q && getQuery() === rendered) {
      params.set("shipped", q.name);
      for (const p of q.params) params.set(p.name, $("param-" + p.name).value.trim());
    } else {
      params.set("query", getQuery());
    }
    return "#" + params.toString();
  }
  function setShare() {
    const url = location.origin + location.pathname + shareHash();
    const a = $("share-link");
    a.href = url;
    a.textContent = "link to this query";
    history.replaceState(null, "", url);
  }
  $("share").addEventListener("click", async () => {
    setShare();
    try { await navigator.clipboard.writeText($("share-link").href); status("link copied"); } catch (e) { status("link below"); }
  });

  // ---------------------------------------------------------------- start
  $("run").addEventListener("click", () => { run().catch((e) => status(String(e))); });

  async function start() {
    const [p, qs] = await Promise.all([
      fetch("/prefixes.json").then((r) => r.json()),
      fetch("/queries.json").then((r) => r.json()),
    ]);
    prefixes = p;
    library = qs;
    for (const q of qs) { const o = el("option", q.title); o.value = q.name; $("library").appendChild(o); }
    document.body.dataset.ready = "true";
    const hash = new URLSearchParams(location.hash.slice(1));
    if (hash.get("shipped") && library.some((q) => q.name === hash.get("shipped"))) {
      $("library").value = hash.get("shipped");
      showParams(hash);
      await run();
    } else if (hash.get("query")) {
      setQuery(hash.get("query"));
      await run();
    }
    await loadTerms();
  }
  start().catch((e) => status(String(e)));
})();
