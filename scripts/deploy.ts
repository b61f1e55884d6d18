// npm run deploy -- [<env>...] [--auto-approve] [--state <env>=<file>]... [--force-window] [--window-minutes 30]
// npm run diff -- <env>
// See help/migration.md for the first deploy onto a legacy workspace.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { ConfigError, loadEnvironments } from '../environments';
import { checkMigration } from './migration/check';
import { DeployStop, realHost } from './deploy/prerequisites';
import { DEFAULT_WINDOW_MINUTES } from './deploy/window';
import { deploy, diff, type Runner, type WorkflowDeps } from './deploy/workflow';

const USAGE = [
  'usage: npm run deploy -- [dev|stg ...] [--auto-approve] [--state <env>=<state.json>]... [--force-window] [--window-minutes 30]',
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
  const environments = loadEnvironments();
  const hostnames = environments.flatMap((env) =>
    env.backend.type === 'cloud' ? [env.backend.hostname ?? 'app.terraform.io'] : [],
  );
  return {
    runner,
    host: realHost,
    preflight: (stack, stateFile) => checkMigration({ stack, stateFile }),
    say: (line) => process.stderr.write(`deploy: ${line}\n`),
    cloudHostnames: [...new Set(hostnames)],
    environments,
    now: () => new Date(),
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

function windowMinutes(value: string): number {
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) {
    throw new DeployStop(`--window-minutes ${value}: give whole minutes, 0 to 1440`);
  }
  return minutes;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      'auto-approve': { type: 'boolean', default: false },
      state: { type: 'string', multiple: true },
      'force-window': { type: 'boolean', default: false },
      'window-minutes': { type: 'string', default: String(DEFAULT_WINDOW_MINUTES) },
    },
  });
  if (command === 'diff') return diff(positionals[0], deps());
  if (command !== 'deploy') throw new DeployStop(`unexpected argument "${command}"`);
  await deploy(
    {
      autoApprove: values['auto-approve'],
      states: parseStates(values.state ?? []),
      stacks: positionals,
      forceWindow: values['force-window'],
      windowMinutes: windowMinutes(values['window-minutes']),
    },
    deps(),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    const parseError = (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof DeployStop) && !parseError) throw error;
    process.stderr.write(
      `${process.argv[2] ?? 'deploy'}: ${(error as Error).message}\n${parseError ? `${USAGE}\n` : ''}`,
    );
    process.exitCode = 1;
  },
);
