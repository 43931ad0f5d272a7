// Reads {"data": <app data>, "cases": [{"goal": id, "known": [ids]}]} on stdin and
// prints the plan (a list of topic ids) for each case, computed by kg's plan.js.
const path = require("path");
const { Graph } = require(path.join(__dirname, "..", "..", "kg", "learner", "static", "plan.js"));
let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", () => {
  const { data, cases } = JSON.parse(input);
  const g = new Graph(data);
  const ix = (id) => { const i = g.byId.get(id); if (i === undefined) throw new Error("no topic " + id); return i; };
  const out = cases.map((c) => g.plan(ix(c.goal), c.known.map(ix)).map((i) => data.topics[i].id));
  process.stdout.write(JSON.stringify(out));
});
