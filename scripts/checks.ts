// `npm test`'s static checks (typecheck, lint, format:check) run side by side rather than one after
// another: each uses one core, so on two cores they finish in about the time of the slowest (ESLint).
// Each check's output is printed whole when it ends; the exit code is non-zero if any check failed.
import { spawn } from 'node:child_process';

const CHECKS = ['typecheck', 'lint', 'format:check'];
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(script: string): Promise<{ script: string; code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(npm, ['run', '--silent', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error) => resolve({ script, code: 1, output: `${error.message}\n` }));
    child.on('close', (code) => resolve({ script, code: code ?? 1, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

void Promise.all(CHECKS.map(run)).then((results) => {
  for (const { script, code, output } of results) {
    process.stdout.write(`> npm run ${script}: ${code === 0 ? 'ok' : `FAILED (exit ${code})`}\n${output}`);
  }
  const failed = results.filter((r) => r.code !== 0).map((r) => r.script);
  if (failed.length > 0) {
    process.stderr.write(`static checks failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
});
