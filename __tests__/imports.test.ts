// The provider barrel (`@cdktf/provider-aws`) loads ~2,200 modules (seconds per process);
// every provider class must come from its deep path, `@cdktf/provider-aws/lib/<resource>`.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

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

describe('provider imports', () => {
  const files = sourceFiles(ROOT);

  it('finds the project sources', () => {
    expect(files.map((f) => relative(ROOT, f))).toEqual(
      expect.arrayContaining(['main.ts', 'constructs/environment-stack.ts']),
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
});
