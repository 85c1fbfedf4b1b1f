// Parses an RDF file with a JavaScript parser no one here wrote and prints what it read
// as N-Quads on stdout, so the tests can compare it with rolegraph's own reading:
//   node parse-rdf.mjs FORMAT FILE
// FORMAT: turtle, nt, nquads, trig (N3.js) or jsonld (jsonld.js, which never fetches: a
// remote context is an error). A parse error exits 1 with the message on stderr.
// tests/test_formats.py runs it.
import { readFileSync } from "node:fs";
import jsonld from "jsonld";
import N3 from "n3";

const N3_FORMATS = { turtle: "Turtle", nt: "N-Triples", nquads: "N-Quads", trig: "TriG" };

async function main(format, file) {
  const text = readFileSync(file, "utf8");
  if (format === "jsonld") {
    const documentLoader = async (url) => {
      throw new Error(`refused to fetch ${url}`);
    };
    return jsonld.toRDF(JSON.parse(text), { format: "application/n-quads", documentLoader });
  }
  const parser = new N3.Parser({ format: N3_FORMATS[format] });
  const quads = parser.parse(text);
  const writer = new N3.Writer({ format: "N-Quads" });
  return writer.quadsToString(quads);
}

const [format, file] = process.argv.slice(2);
main(format, file).then(
  (out) => process.stdout.write(out),
  (err) => {
    process.stderr.write(`${err.message ?? err}\n`);
    process.exit(1);
  },
);
