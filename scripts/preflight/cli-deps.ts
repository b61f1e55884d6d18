// What `npm run preflight` and `npm run deploy` run against: the real commands, clock, files and
// the shipped environments (validated: a config mistake stops here, said once).
import { spawn } from 'node:child_process';
import { ConfigError, loadEnvironments } from '../../environments';
import { checkMigration } from '../migration/check';
import { readStateFile } from '../migration/state-file';
import { DeployStop, realHost } from '../deploy/prerequisites';
import { DEFAULT_WINDOW_MINUTES } from '../deploy/window';
import type { WorkflowDeps } from '../deploy/workflow';
import type { Runner } from './gate';

const runner: Runner = (command, args, env = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: 'inherit',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', ...env },
      shell: process.platform === 'win32',
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

/** A legacy scale schedule's address: `module.<svc>_scheduler.aws_scheduler_schedule.scale_up`. */
const LEGACY_SCHEDULE = /^module\.[A-Za-z0-9_-]+\.aws_scheduler_schedule\.scale_(up|down)$/;

/** Whether a state file still holds the legacy's scale schedules (before the first takeover). */
export function stateHoldsLegacySchedules(file: string): boolean {
  return readStateFile(file).resources.some((r) => LEGACY_SCHEDULE.test(r.address));
}

export function realDeps(command: string): WorkflowDeps {
  const environments = loadEnvironments();
  const hostnames = environments.flatMap((env) =>
    env.backend.type === 'cloud' ? [env.backend.hostname ?? 'app.terraform.io'] : [],
  );
  return {
    runner,
    host: realHost,
    preflight: (stack, stateFile, cloudwatchStateFile) =>
      checkMigration({ stack, stateFile, ...(cloudwatchStateFile ? { cloudwatchStateFile } : {}) }),
    holdsLegacySchedules: stateHoldsLegacySchedules,
    say: (line) => process.stderr.write(`${command}: ${line}\n`),
    cloudHostnames: [...new Set(hostnames)],
    environments,
    now: () => new Date(),
  };
}

/**
 * `--state dev=dev.json` (any environment named) or `--state dev.json` (when exactly one is named),
 * by environment.
 */
export function parseStates(values: string[], environments: string[], flag = '--state'): Record<string, string> {
  return Object.fromEntries(
    values.map((value) => {
      const match = /^([a-z][a-z0-9]*)=(.+)$/.exec(value);
      if (match) return [match[1]!, match[2]!];
      if (environments.length === 1) return [environments[0]!, value];
      throw new DeployStop(
        `${flag} ${value}: with ${environments.length === 0 ? 'no environment' : 'several environments'} named, write it as <env>=<state file>, e.g. ${flag} dev=dev.tfstate.json`,
      );
    }),
  );
}

export function windowMinutes(value: string | undefined): number {
  if (value === undefined) return DEFAULT_WINDOW_MINUTES;
  const minutes = Number(value);
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440) {
    throw new DeployStop(`--window-minutes ${value}: give whole minutes, 0 to 1440`);
  }
  return minutes;
}

export const GATE_OPTIONS = {
  state: { type: 'string', multiple: true },
  'cloudwatch-state': { type: 'string', multiple: true },
  'force-window': { type: 'boolean', default: false },
  'window-minutes': { type: 'string' },
} as const;

/**
 * What `npm run preflight`, `deploy` and `diff` do when `main` fails: a config mistake as the
 * config check words it, a DeployStop or a bad argument in one line (with the usage), exit 1; any
 * other error is a bug, left to Node (stack trace, exit 1).
 */
export function reportStop(command: string, usage: string): (error: unknown) => void {
  return (error) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
      return;
    }
    const parseError = (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    if (!(error instanceof DeployStop) && !parseError) throw error;
    process.stderr.write(`${command}: ${(error as Error).message}\n${parseError ? `${usage}\n` : ''}`);
    process.exitCode = 1;
  };
}
