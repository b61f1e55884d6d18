// @ts-check
// node scripts/app-bundle/run.js <entry.ts> [args...]: runs a TypeScript entry of the app (main.ts
// as cdktf.json runs it, bench/synth-app.ts) from its cached esbuild bundle (app-bundle.js), as if
// `node <entry>` had run it. APP_BUNDLE_CACHE=off runs the sources through tsx instead (stack
// traces then point into the TypeScript sources).
'use strict';
const Module = require('node:module');
const path = require('node:path');
const { appBundle } = require('./app-bundle');
const { skipTokenCreationStacks } = require('./token-stacks-off');

const ROOT = path.resolve(__dirname, '..', '..');

/** @param {string} file */
function runAsMain(file) {
  skipTokenCreationStacks(); // about a fifth of synth's CPU (token-stacks-off.js)
  process.argv.splice(1, 2, file); // [node, file, ...args]: what the entry sees as when run directly
  Module.runMain();
}

/** The file to run: the entry's bundle, or the entry itself under tsx. */
async function entryFile() {
  const entry = process.argv[2];
  if (!entry) throw new Error('usage: node scripts/app-bundle/run.js <entry.ts> [args...]');
  const source = path.resolve(entry);
  if (process.env.APP_BUNDLE_CACHE === 'off') {
    // @ts-expect-error no types: tsx declares them only through package exports, which this tsconfig's resolution does not read
    require('tsx/cjs'); // tsx's CommonJS hook, as `node --require tsx/cjs` loads it
    return source;
  }
  return (await appBundle(ROOT, path.relative(ROOT, source))).file;
}

entryFile().then(
  // An error the app throws is not caught here: Node reports it, stack and all, as for `node <entry>`.
  runAsMain,
  (error) => {
    process.stderr.write(`app-bundle: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
