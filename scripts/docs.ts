// npm run docs [-- --check]
// Rewrites the parts of help/ generated from the shipped environments (scripts/docs/generated.ts);
// --check only lists the ones that differ (exit 1).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, ENVIRONMENT_INPUTS, loadEnvironments } from '../environments';
import { GENERATED_DOCS } from './docs/generated';

const ROOT = path.resolve(__dirname, '..');

function main(argv: string[]): number {
  const { values } = parseArgs({ args: argv, options: { check: { type: 'boolean', default: false } } });
  loadEnvironments(); // every rule first: a config mistake is reported as such
  const stale: string[] = [];
  for (const doc of GENERATED_DOCS) {
    const file = path.join(ROOT, doc.file);
    const current = readFileSync(file, 'utf8');
    const text = doc.render([...ENVIRONMENT_INPUTS], current);
    if (current === text) continue;
    stale.push(doc.file);
    if (!values.check) writeFileSync(file, text);
  }
  if (values.check) {
    for (const file of stale) process.stderr.write(`docs: ${file} is not what the configuration generates\n`);
    if (stale.length > 0) process.stderr.write('docs: run `npm run docs` (or `npm run test:update`)\n');
    return stale.length > 0 ? 1 : 0;
  }
  process.stderr.write(stale.length > 0 ? `docs: rewrote ${stale.join(', ')}\n` : 'docs: up to date\n');
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
