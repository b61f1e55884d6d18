// Import rules over every source file:
// - The provider barrel (`@cdktf/provider-aws`) loads ~2,200 modules (seconds per process); every
//   provider class must come from its deep path, `@cdktf/provider-aws/lib/<resource>`.
// - Layering is one-way: functions/ and environments/ never import constructs/ (a Lambda bundle or
//   the config rules must not pull in the CDKTF graph); what they share with the constructs lives
//   in shared/, which imports no other project folder.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const ROOT = join(__dirname, '..');
const SKIP = new Set(['node_modules', 'cdktf.out', '.git', 'coverage']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|js)$/.test(entry.name) ? [path] : [];
  });
}

const BARREL = /(from\s+|require\(\s*|import\(\s*)['"]@cdktf\/provider-aws(\/lib)?['"]/;

/** Top-level project folders each folder may not import from. */
const FORBIDDEN: Record<string, string[]> = {
  functions: ['constructs'],
  environments: ['constructs'],
  shared: ['constructs', 'functions', 'environments', 'scripts', 'bench', '__tests__'],
};

const SPECIFIER = /(?:\bfrom\s+|\bimport\s+|\brequire\(\s*|\bimport\(\s*)['"]([^'"]+)['"]/g;

/** The top-level folder (or file) a relative import of `file` lands in; undefined for packages. */
function importedFolder(file: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  return relative(ROOT, resolve(dirname(file), specifier)).split(sep)[0];
}

/** `"<file>: <specifier>"` for each import of `text` (the contents of `file`) that breaks the layering. */
function layeringViolations(file: string, text: string): string[] {
  const forbidden = FORBIDDEN[relative(ROOT, file).split(sep)[0]!];
  if (!forbidden) return [];
  return [...text.matchAll(SPECIFIER)]
    .map((match) => match[1]!)
    .filter((specifier) => forbidden.includes(importedFolder(file, specifier) ?? ''))
    .map((specifier) => `${relative(ROOT, file)}: ${specifier}`);
}

describe('imports', () => {
  const files = sourceFiles(ROOT);

  it('finds the project sources', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining([
        'main.ts',
        'constructs/environment-stack.ts',
        'functions/slack-notifier/waves.ts',
        'environments/rules.ts',
        'shared/weekly-time.ts',
      ]),
    );
  });

  it('never import the provider barrel', () => {
    const offenders = files
      .filter((file) => file !== __filename && BARREL.test(readFileSync(file, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it('the check recognises a barrel import', () => {
    expect(BARREL.test(`import { IamRole } from '@cdktf/provider-aws';`)).toBe(true);
    expect(BARREL.test(`import * as aws from "@cdktf/provider-aws/lib";`)).toBe(true);
    expect(BARREL.test(`import { IamRole } from '@cdktf/provider-aws/lib/iam-role';`)).toBe(false);
  });

  it('functions/ and environments/ never import constructs/; shared/ imports no other project folder', () => {
    const offenders = files.flatMap((file) => layeringViolations(file, readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('the layering check recognises each form of a forbidden import', () => {
    const at = (path: string) => join(ROOT, path);
    const cases: [string, string][] = [
      ['functions/slack-notifier/waves.ts', `import { parseTime } from '../../constructs/ecs-scheduler/cron';`],
      ['environments/rules.ts', `import type { X } from "../constructs/slack-notifier/queue-settings";`],
      ['environments/rules.ts', `export { cloudwatchNames } from '../constructs/cloudwatch/names';`],
      ['functions/alert-service/index.ts', `const m = await import('../../constructs/shared/bundle');`],
      ['functions/alert-service/index.ts', `const m = require('../../constructs/shared/bundle');`],
      ['shared/weekly-time.ts', `import { z } from '../environments/schema';`],
      ['shared/weekly-time.ts', `import { deliver } from '../functions/shared/deliver';`],
    ];
    for (const [file, text] of cases) expect(layeringViolations(at(file), text)).toHaveLength(1);

    const allowed: [string, string][] = [
      ['functions/slack-notifier/waves.ts', `import { parseTime } from '../../shared/weekly-time';`],
      ['functions/slack-notifier/waves.ts', `import { wallClock } from '../shared/wall-clock';`],
      ['environments/rules.ts', `import { Construct } from 'constructs';`],
      ['constructs/ecs-scheduler/index.ts', `import { x } from '../../environments/schema';`],
      ['scripts/invoke.ts', `import { x } from '../constructs/slack-notifier/wave-manifest';`],
    ];
    for (const [file, text] of allowed) expect(layeringViolations(at(file), text)).toEqual([]);
  });
});
