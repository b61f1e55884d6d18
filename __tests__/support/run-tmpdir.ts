// One temporary folder per test run, holding every temporary file the run makes: the tests' scratch
// folders, the function bundles' scratch, stack copies, terraform's plugin sockets, and those of the
// processes the tests start (they inherit TMPDIR). The global teardown removes it whole, so a worker
// that is stopped before its own cleanup runs leaves nothing behind in the system's temporary folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The run's folder, as set by the global setup (TMPDIR is then this folder too). */
const RUN_TMPDIR_VARIABLE = 'TEST_RUN_TMPDIR';

export function createRunTmpdir(): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'test-run-'));
  process.env[RUN_TMPDIR_VARIABLE] = dir;
  process.env.TMPDIR = dir;
}

export function removeRunTmpdir(): void {
  const dir = process.env[RUN_TMPDIR_VARIABLE];
  if (dir) rmSync(dir, { recursive: true, force: true });
}
