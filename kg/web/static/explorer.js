(function () {
  const ID = document.body.dataset.kgId;  // kg's namespace, from the page
  const $ = (id) => document.getElementById(id);
  if (!$("run")) return;
  const el = (tag, text) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; };
  let library = [];
  fetch("/queries.json").then((r) => r.json()).then((qs) => {
    library = qs;
    for (const q of qs) { const o = el("option", q.title); o.value = q.name; $("library").appendChild(o); }
  });
  $("library").addEventListener("change", () => {
    const q = library.find((x) => x.name === $("library").value);
    $("description").textContent = q ? q.description : "";
    if (q) $("query").value = q.query;
  });
  function cell(term) {
    const td = el("td");
    if (!term) return td;
    if (term.type === "uri" && term.value.startsWith(ID)) {
      const a = el("a", term.value.slice(ID.length));
      a.href = "/resource/" + term.value.slice(ID.length).split("/").map(encodeURIComponent).join("/");
      td.appendChild(a);
    } else {
      td.textContent = term.value;
    }
    return td;
  }
  async function run() {
    const text = $("query").value;
    $("status").textContent = "running…";
    $("results").replaceChildren();
    const t0 = performance.now();
    const r = await fetch("/sparql", {
      method: "POST",
      headers: { "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json, text/turtle;q=0.9" },
      body: text,
    });
    const ms = Math.round(performance.now() - t0);
    // The server knows the query form; its answer's media type says which view fits.
    const graph = (r.headers.get("Content-Type") || "").startsWith("text/turtle");
    if (!r.ok) { $("status").textContent = ""; const p = el("pre", await r.text()); p.className = "error"; $("results").appendChild(p); return; }
    if (graph) { $("results").appendChild(el("pre", await r.text())); $("status").textContent = ms + " ms"; return; }
    const data = await r.json();
    if ("boolean" in data) { $("results").appendChild(el("p", String(data.boolean))); $("status").textContent = ms + " ms"; return; }
    const table = el("table"), head = el("tr");
    for (const v of data.head.vars) head.appendChild(el("th", v));
    const thead = el("thead"); thead.appendChild(head); table.appendChild(thead);
    const tbody = el("tbody");
    for (const b of data.results.bindings) { const tr = el("tr"); for (const v of data.head.vars) tr.appendChild(cell(b[v])); tbody.appendChild(tr); }
    table.appendChild(tbody);
    $("results").appendChild(table);
    const capped = r.headers.get("X-KG-Truncated");
    $("status").textContent = data.results.bindings.length + " rows, " + ms + " ms" + (capped ? " (" + capped + ")" : "");
  }
  $("run").addEventListener("click", () => { run().catch((e) => { $("status").textContent = String(e); }); });
})();
