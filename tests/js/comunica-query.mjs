// Runs SPARQL queries with Comunica over one SPARQL endpoint (a `sparql` source) and
// prints each answer as one line of JSON, in order:
//   node comunica-query.mjs ENDPOINT_URL QUERY...
// {"type": "bindings", "variables": [...], "rows": [{var: term}]}, {"type": "boolean",
// "value": b} or {"type": "quads", "quads": [[s, p, o, g]]}; a term is
// {termType, value, datatype?, language?}. tests/test_serve_clients.py runs it.
import { QueryEngine } from "@comunica/query-sparql";

function term(t) {
  const out = { termType: t.termType, value: t.value };
  if (t.termType === "Literal") {
    out.datatype = t.datatype.value;
    out.language = t.language;
  }
  return out;
}

async function answer(engine, endpoint, query) {
  const result = await engine.query(query, { sources: [{ type: "sparql", value: endpoint }] });
  if (result.resultType === "bindings") {
    const rows = (await (await result.execute()).toArray()).map((b) => {
      const row = {};
      for (const [v, t] of b) row[v.value] = term(t);
      return row;
    });
    const { variables } = await result.metadata();
    return { type: "bindings", variables: variables.map((v) => (v.variable ?? v).value), rows };
  }
  if (result.resultType === "boolean") {
    return { type: "boolean", value: await result.execute() };
  }
  const quads = await (await result.execute()).toArray();
  return {
    type: "quads",
    quads: quads.map((q) => [q.subject, q.predicate, q.object, q.graph].map(term)),
  };
}

const [endpoint, ...queries] = process.argv.slice(2);
if (!endpoint || queries.length === 0) {
  console.error("usage: node comunica-query.mjs ENDPOINT_URL QUERY...");
  process.exit(2);
}
const engine = new QueryEngine();
try {
  for (const query of queries) {
    process.stdout.write(JSON.stringify(await answer(engine, endpoint, query)) + "\n");
  }
} catch (err) {
  console.error(`comunica: ${err.message}`);
  process.exit(1);
}
