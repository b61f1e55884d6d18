// npm run bench:side-by-side [-- --rounds N]: is `npm test` steady on a busy machine? Two fresh
// clones of the committed HEAD install once (npm ci), then run `npm test` at the same time, N rounds
// (default 5). It passes when every run passes and none prints jest's "failed to exit gracefully".
// Prints a line per round and writes bench/side-by-side.json; the logs stay in the printed folder.
// The runs inherit this environment: `CI=true npm run bench:side-by-side` runs the CI property counts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const WORKER_EXIT_WARNING = 'failed to exit gracefully';

interface Run {
  clone: string;
  code: number;
  seconds: number;
  tests: string;
  workerExitWarnings: number;
  log: string;
}

function roundsArgument(): number {
  const at = process.argv.indexOf('--rounds');
  const rounds = at < 0 ? 5 : Number(process.argv[at + 1]);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number of at least 1');
  return rounds;
}

function clone(workspace: string, name: string): string {
  const dir = join(workspace, name);
  const steps: [string, string[], string][] = [
    ['git', ['clone', '-q', ROOT, dir], workspace],
    ['npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], dir],
  ];
  for (const [command, args, cwd] of steps) {
    const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${String(result.stderr)}`);
  }
  return dir;
}

function npmTest(dir: string, log: string): Promise<Run> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    const child = spawn('npm', ['test'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('close', (code) => {
      const output = Buffer.concat(chunks).toString('utf8');
      writeFileSync(log, output);
      resolve({
        clone: dir,
        code: code ?? 1,
        seconds: Math.round(Number(process.hrtime.bigint() - start) / 1e8) / 10,
        tests: /^Tests: +(.*)$/m.exec(output)?.[1] ?? 'no jest summary',
        workerExitWarnings: output.split(WORKER_EXIT_WARNING).length - 1,
        log,
      });
    });
  });
}

async function main(): Promise<void> {
  const rounds = roundsArgument();
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).stdout.toString().trim();
  const workspace = mkdtempSync(join(tmpdir(), 'side-by-side-'));
  const shared = join(ROOT, '..', 'shared');
  if (existsSync(shared)) symlinkSync(shared, join(workspace, 'shared'));
  process.stdout.write(
    `side-by-side: ${cpus().length} cores, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${rounds} rounds of npm test in two clones of ${head} at once; logs in ${workspace}\n`,
  );
  const clones = [clone(workspace, 'a'), clone(workspace, 'b')];
  const results: Run[][] = [];
  for (let round = 1; round <= rounds; round++) {
    const runs = await Promise.all(
      clones.map((dir, i) => npmTest(dir, join(workspace, `round-${round}-${'ab'[i]}.log`))),
    );
    results.push(runs);
    const describe = (run: Run) =>
      `${run.code === 0 ? 'pass' : `FAIL (exit ${run.code})`} in ${run.seconds} s, ${run.tests}` +
      (run.workerExitWarnings > 0 ? `, ${run.workerExitWarnings} worker-exit warning(s)` : '');
    process.stdout.write(`round ${round}: a ${describe(runs[0]!)}; b ${describe(runs[1]!)}\n`);
  }
  const all = results.flat();
  const passed = all.filter((run) => run.code === 0 && run.workerExitWarnings === 0).length;
  writeFileSync(join(ROOT, 'bench', 'side-by-side.json'), `${JSON.stringify({ head, rounds, results }, null, 2)}\n`);
  process.stdout.write(`side-by-side: ${passed} of ${all.length} runs passed with no worker-exit warning\n`);
  if (passed !== all.length) process.exitCode = 1;
}

void main();
