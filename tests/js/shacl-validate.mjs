// Validates a data graph against SHACL shapes with one JavaScript engine and prints the
// verdict and the focus node of every result as one line of JSON:
//   node shacl-validate.mjs ENGINE DATA.nt SHAPES.ttl
// ENGINE is shacl-engine (Core and SHACL-SPARQL) or rdf-validate-shacl (Core: it does
// not support SHACL-SPARQL, so the shapes' sh:sparql SELECTs are run beside it with
// Comunica, each joined with its shape's targets, as SHACL-SPARQL defines them).
// {"engine": ..., "conforms": bool, "results": [[severity, focus], ...]} (sorted, each
// pair once). tests/test_shacl_engines.py runs it.
import { readFileSync } from "node:fs";
import { Parser, Store, DataFactory } from "n3";

const SH = "http://www.w3.org/ns/shacl#";
const RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";

function read(path, format) {
  return new Parser({ format }).parse(readFileSync(path, "utf8"));
}

function local(iri) {
  return iri.slice(iri.lastIndexOf("#") + 1);
}

function sorted(pairs) {
  const seen = new Set(pairs.map((p) => JSON.stringify(p)));
  return [...seen].sort().map((p) => JSON.parse(p));
}

async function withShaclEngine(data, shapes) {
  const rdfDataModel = (await import("@rdfjs/data-model")).default;
  const rdfDataset = (await import("@rdfjs/dataset")).default;
  const { Validator } = await import("shacl-engine");
  const { validations } = await import("shacl-engine/sparql.js");
  const validator = new Validator(rdfDataset.dataset(shapes), {
    factory: rdfDataModel,
    validations,
  });
  const report = await validator.validate({ dataset: rdfDataset.dataset(data) });
  const results = report.results.map((r) => [local(r.severity.value), r.focusNode.value]);
  return { conforms: report.conforms, results };
}

// The SPARQL constraints of the shapes: [select text with its prefixes, target classes,
// severity], taken out of the shapes (rdf-validate-shacl stops on them otherwise).
function sparqlConstraints(shapes) {
  const store = new Store(shapes);
  const one = (s, p) => store.getObjects(s, DataFactory.namedNode(SH + p), null)[0];
  const found = [];
  for (const q of store.getQuads(null, DataFactory.namedNode(SH + "sparql"), null, null)) {
    const shape = q.subject;
    const constraint = q.object;
    let prologue = "";
    for (const source of store.getObjects(constraint, DataFactory.namedNode(SH + "prefixes"))) {
      for (const decl of store.getObjects(source, DataFactory.namedNode(SH + "declare"))) {
        prologue += `PREFIX ${one(decl, "prefix").value}: <${one(decl, "namespace").value}>\n`;
      }
    }
    const classes = store
      .getObjects(shape, DataFactory.namedNode(SH + "targetClass"))
      .map((c) => c.value);
    const severity = one(shape, "severity");
    found.push({
      select: prologue + one(constraint, "select").value,
      classes,
      severity: severity ? local(severity.value) : "Violation",
    });
    store.removeQuads(store.getQuads(shape, q.predicate, constraint, null));
  }
  return { constraints: found, rest: store.getQuads(null, null, null, null) };
}

// A SPARQL constraint as SHACL-SPARQL defines it: the SELECT with $this pre-bound to each
// focus node, here by one VALUES clause of all of them (the shapes' SELECTs bind $this in
// their first pattern, so this is the same).
async function runConstraint(engine, dataStore, constraint) {
  const targets = new Set();
  for (const cls of constraint.classes) {
    for (const s of dataStore.getSubjects(
      DataFactory.namedNode(RDF_TYPE),
      DataFactory.namedNode(cls),
      null,
    )) {
      if (s.termType === "NamedNode") targets.add(s.value);
    }
  }
  if (targets.size === 0) return [];
  const text = constraint.select.replace(/\$this\b/g, "?this");
  const at = text.search(/WHERE\s*\{/i);
  const open = text.indexOf("{", at) + 1;
  const values = `VALUES ?this { ${[...targets].map((t) => `<${t}>`).join(" ")} }`;
  const query = text.slice(0, open) + values + text.slice(open);
  const stream = await engine.queryBindings(query, { sources: [dataStore] });
  const rows = await stream.toArray();
  return rows.map((b) => [constraint.severity, b.get("this").value]);
}

async function withRdfValidateShacl(data, shapes) {
  const { default: SHACLValidator } = await import("rdf-validate-shacl");
  const { QueryEngine } = await import("@comunica/query-sparql");
  const { constraints, rest } = sparqlConstraints(shapes);
  const validator = new SHACLValidator(rest);
  const dataStore = new Store(data);
  const report = await validator.validate(dataStore);
  const results = report.results.map((r) => [local(r.severity.value), r.focusNode.value]);
  const engine = new QueryEngine();
  for (const c of constraints) results.push(...(await runConstraint(engine, dataStore, c)));
  const conforms = !results.some((r) => r[0] === "Violation");
  return { conforms, results };
}

const [engineName, dataPath, shapesPath] = process.argv.slice(2);
const engines = { "shacl-engine": withShaclEngine, "rdf-validate-shacl": withRdfValidateShacl };
if (!engines[engineName] || !dataPath || !shapesPath) {
  console.error("usage: node shacl-validate.mjs shacl-engine|rdf-validate-shacl DATA.nt SHAPES.ttl");
  process.exit(2);
}
try {
  const data = read(dataPath, "N-Triples");
  const shapes = read(shapesPath, "Turtle");
  const { conforms, results } = await engines[engineName](data, shapes);
  process.stdout.write(JSON.stringify({ engine: engineName, conforms, results: sorted(results) }) + "\n");
} catch (err) {
  console.error(`${engineName}: ${err.stack || err.message}`);
  process.exit(1);
}
