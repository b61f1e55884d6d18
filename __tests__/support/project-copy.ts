// A copy of the project whose environments/ a test writes itself, for tests that start one of the
// project's commands (synth, migrate:check, schedule, ...) as an operator would: the command then
// reads the test's environments, never the shipped ones. Sources are copied (Node resolves a
// symlinked file's imports from its real folder); node_modules is linked.
import { cpSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EnvironmentInput } from '../../environments';

export const ROOT = path.resolve(__dirname, '../..');

const SOURCES = [
  'main.ts',
  'source-maps-off.ts',
  'token-stacks-off.ts',
  'cdktf.json',
  'package.json',
  'tsconfig.json',
  'constructs',
  'environments',
  'functions',
  'shared',
  'scripts',
  'help',
  '__tests__/fixtures',
];

/** A TypeScript module `export const <name>: EnvironmentInput = <input>;`. */
export function environmentModule(input: EnvironmentInput): string {
  return [
    "import type { EnvironmentInput } from './schema';",
    '',
    `export const ${input.name}: EnvironmentInput = ${JSON.stringify(input, null, 2)};`,
    '',
  ].join('\n');
}

/**
 * A fresh copy of the project in which environments/dev.ts and environments/stg.ts hold `dev` and
 * `stg` (their `name` must be "dev" and "stg": main.ts and environments/index.ts import those two).
 */
export function projectCopy(environments: { dev: EnvironmentInput; stg: EnvironmentInput }): string {
  const copy = mkdtempSync(path.join(tmpdir(), 'project-copy-'));
  for (const entry of SOURCES) {
    mkdirSync(path.dirname(path.join(copy, entry)), { recursive: true });
    cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  for (const input of [environments.dev, environments.stg]) {
    writeFileSync(path.join(copy, 'environments', `${input.name}.ts`), environmentModule(input));
  }
  return copy;
}
