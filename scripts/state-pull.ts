// npm run state:pull -- <env> [--out <file>] [--dir <stack folder>]
// Writes exactly the state of the environment's workspace (what `terraform state pull` prints) to a
// file: `terraform init`'s progress goes to the terminal, never into the file. See help/migration.md.
import { spawn } from 'node:child_process';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ENVIRONMENT_INPUTS } from '../environments';
import { parseState, StateFileError } from './migration/state-file';

const USAGE = 'usage: npm run state:pull -- <dev|stg> [--out <env>.tfstate.json] [--dir cdktf.out/stacks/<env>]';

class PullStop extends Error {}

interface Result {
  code: number;
  stdout: string;
}

/** Runs terraform in `cwd`; its stdout is captured when `capture`, else shown on stderr. */
function terraform(args: string[], cwd: string, capture: boolean): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, {
      cwd,
      stdio: ['ignore', capture ? 'pipe' : process.stderr, 'inherit'],
      env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
    });
    const chunks: Buffer[] = [];
    child.stdout?.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new PullStop('no terraform binary on PATH: install Terraform 1.7 or later and retry')
          : error,
      ),
    );
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(chunks).toString('utf8') }));
  });
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string' }, dir: { type: 'string' } },
  });
  const [env, ...extra] = positionals;
  if (!env || extra.length > 0 || !/^[a-z][a-z0-9]*$/.test(env)) throw new PullStop('give one environment');
  const known = ENVIRONMENT_INPUTS.map((input) => input.name);
  if (!known.includes(env)) {
    throw new PullStop(`unknown environment "${env}"; give one of ${known.join(', ')} (environments/index.ts)`);
  }
  const dir = path.resolve(values.dir ?? path.join('cdktf.out', 'stacks', env));
  const out = path.resolve(values.out ?? `${env}.tfstate.json`);
  if (!existsSync(path.join(dir, 'cdk.tf.json'))) {
    throw new PullStop(
      `${path.relative(process.cwd(), dir) || dir} has no cdk.tf.json: run \`npm run synth\` first (the stack folder is bound to the ${env} workspace)`,
    );
  }
  process.stderr.write(`state:pull: terraform init in ${dir}\n`);
  const init = await terraform(['init', '-input=false', '-no-color'], dir, false);
  if (init.code !== 0) throw new PullStop(`terraform init failed (exit ${init.code}); nothing was written`);
  const pulled = await terraform(['state', 'pull'], dir, true);
  if (pulled.code !== 0) throw new PullStop(`terraform state pull failed (exit ${pulled.code}); nothing was written`);
  let resources: number;
  try {
    resources = parseState(pulled.stdout, 'the pulled state').resources.filter((r) => r.mode === 'managed').length;
  } catch (error) {
    if (error instanceof StateFileError) throw new PullStop(`${error.message}; nothing was written`);
    throw error;
  }
  // The state may hold secrets (the legacy's webhook URL): readable by its owner only, and never
  // half-written (write a sibling file, then rename it).
  const partial = `${out}.partial`;
  writeFileSync(partial, pulled.stdout, { mode: 0o600 });
  renameSync(partial, out);
  process.stderr.write(
    `state:pull: wrote ${path.relative(process.cwd(), out) || out}: ${resources} managed resources${resources === 0 ? ' (an empty state: is this the right workspace?)' : ''}\n`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof PullStop || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
  if (!usage) throw error;
  process.stderr.write(
    `state:pull: ${(error as Error).message}\n${error instanceof PullStop && !error.message.startsWith('give') ? '' : `${USAGE}\n`}`,
  );
  process.exitCode = 1;
});
