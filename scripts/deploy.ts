// npm run deploy -- [--auto-approve] [--state dev=<file>] [--state stg=<file>]
// npm run diff -- <env>
// See help/migration.md for the first deploy onto a legacy workspace.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { loadEnvironments } from '../environments';
import { checkMigration } from './migration/check';
import { DeployStop, realHost } from './deploy/prerequisites';
import { deploy, diff, type Runner, type WorkflowDeps } from './deploy/workflow';

const USAGE = [
  'usage: npm run deploy -- [--auto-approve] [--state dev=<state.json>] [--state stg=<state.json>]',
  '       npm run diff -- <dev|stg>',
].join('\n');

const runner: Runner = (command, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
      shell: process.platform === 'win32',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

function deps(): WorkflowDeps {
  const hostnames = loadEnvironments().flatMap((env) =>
    env.backend.type === 'cloud' ? [env.backend.hostname ?? 'app.terraform.io'] : [],
  );
  return {
    runner,
    host: realHost,
    preflight: (stack, stateFile) => checkMigration({ stack, stateFile }),
    say: (line) => process.stderr.write(`deploy: ${line}\n`),
    cloudHostnames: [...new Set(hostnames)],
  };
}

function parseStates(values: string[]): Record<string, string> {
  return Object.fromEntries(
    values.map((value) => {
      const match = /^([a-z][a-z0-9]*)=(.+)$/.exec(value);
      if (!match)
        throw new DeployStop(`--state ${value}: write it as <stack>=<state file>, e.g. --state dev=dev.tfstate.json`);
      return [match[1]!, match[2]!];
    }),
  );
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { 'auto-approve': { type: 'boolean', default: false }, state: { type: 'string', multiple: true } },
  });
  if (command === 'diff') return diff(positionals[0], deps());
  if (command !== 'deploy' || positionals.length > 0)
    throw new DeployStop(`unexpected argument "${positionals[0] ?? command}"`);
  await deploy({ autoApprove: values['auto-approve'], states: parseStates(values.state ?? []) }, deps());
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const parseError = (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof DeployStop) && !parseError) throw error;
    process.stderr.write(
      `${process.argv[2] ?? 'deploy'}: ${(error as Error).message}\n${parseError ? `${USAGE}\n` : ''}`,
    );
    process.exitCode = 1;
  },
);
