// Any failing test makes every way of running jest exit non-zero: one file, -i, one worker, and
// several workers (a child jest over fixtures/exit-code, whose files only this test runs).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './support/project-copy';

const JEST = path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const FIXTURES = '__tests__/fixtures/exit-code';

/** Runs a child jest over the fixtures; resolves to its exit code and the summary line. */
function childJest(args: string[]): Promise<{ code: number | null; summary: string }> {
  return new Promise((resolve, reject) => {
    // A cache of its own: with no recorded timings, jest uses worker processes for two files or more.
    const cache = mkdtempSync(path.join(tmpdir(), 'jest-cache-'));
    const child = spawn(
      process.execPath,
      // --testMatch takes a list: it comes last, so that it takes no path.
      [JEST, '--ci', `--cacheDirectory=${cache}`, ...args, '--testMatch', '**/fixtures/exit-code/*.check.ts'],
      { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, summary: /^Tests:.*$/m.exec(stderr)?.[0] ?? stderr }));
  });
}

const FAILS = `${FIXTURES}/fails.check.ts`;
const PASSES = `${FIXTURES}/passes.check.ts`;

describe('a failing test makes jest exit non-zero', () => {
  it.each([
    ['one file', [FAILS]],
    ['-i over the folder', ['-i', FIXTURES]],
    ['one worker', ['--maxWorkers=1', FIXTURES]],
    ['two workers', ['--maxWorkers=2', FIXTURES]],
  ])('%s', async (_, args) => {
    const { code, summary } = await childJest(args);
    expect(summary).toMatch(/Tests:\s+1 failed/);
    expect(code).toBe(1);
  });

  it('and a passing run exits 0 (the check can tell the two apart)', async () => {
    const { code, summary } = await childJest([PASSES]);
    expect(summary).toMatch(/Tests:\s+1 passed, 1 total/);
    expect(code).toBe(0);
  });
});
