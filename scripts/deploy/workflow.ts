// `npm run deploy [-- <env>...]`: the quick checks first (arguments, state files, terraform and
// credentials, the schedule window, the migration preflight), then the tests, then `cdktf deploy`
// per environment in order (dev, then stg only if dev succeeded). `npm run diff`: `cdktf diff <env>`.
// Commands run through an injected runner, so the order is tested without terraform.
import { placeholdersIn } from '../../environments/placeholders';
import type { EnvironmentConfig } from '../../environments/schema';
import { cdktfCommand } from '../cdktf-cli';
import type { MigrationReport } from '../migration/plan';
import { DeployStop, requirePrerequisites, type Host } from './prerequisites';
import { busySpans, checkWindow, localAndUtc } from './window';

/** Runs a command with the terminal attached; resolves to its exit code. */
export type Runner = (command: string, args: string[]) => Promise<number>;

export interface WorkflowDeps {
  runner: Runner;
  host: Host;
  /** The migration preflight of one stack against one state file (throws on a bad file). */
  preflight: (stack: string, stateFile: string) => MigrationReport | Promise<MigrationReport>;
  /** Where the one-line progress notes go. */
  say: (line: string) => void;
  /** The HCP Terraform hostnames the stacks' backends use. */
  cloudHostnames: string[];
  /** The validated environments, for their schedules. */
  environments: EnvironmentConfig[];
  now: () => Date;
}

/** Environments in deployment order: each only after the one before it succeeded. */
export const DEPLOY_ORDER = ['dev', 'stg'] as const;

export interface DeployOptions {
  autoApprove: boolean;
  /** Legacy state files to preflight, by stack. */
  states: Record<string, string>;
  /** The stacks to deploy (in DEPLOY_ORDER); empty: all of them. */
  stacks: string[];
  /** Deploy even when a wave, its window or its deadline falls inside the next windowMinutes. */
  forceWindow: boolean;
  windowMinutes: number;
}

/**
 * The test run before a deploy: the full suite, with a per-test timeout sized for a machine that
 * is busy with other work (a slow test is no reason to stop a deploy; a failing one is).
 */
export const TEST_COMMAND = ['npm', ['test', '--', '--testTimeout=120000']] as const;

function targetsOf(options: DeployOptions): string[] {
  const order = DEPLOY_ORDER as readonly string[];
  for (const stack of options.stacks) {
    if (!order.includes(stack)) throw new DeployStop(`no stack "${stack}"; the stacks are ${order.join(', ')}`);
  }
  const targets = options.stacks.length > 0 ? order.filter((s) => options.stacks.includes(s)) : [...order];
  for (const [stack, file] of Object.entries(options.states)) {
    if (!order.includes(stack)) {
      throw new DeployStop(`--state ${stack}=${file}: no stack "${stack}"; the stacks are ${order.join(', ')}`);
    }
    if (!targets.includes(stack)) {
      throw new DeployStop(
        `--state ${stack}=${file}: ${stack} is not deployed by this run (${targets.join(', ')}); leave it out or add ${stack}`,
      );
    }
  }
  return targets;
}

function requireStateFiles(states: Record<string, string>, host: Host): void {
  for (const [stack, file] of Object.entries(states)) {
    if (!host.fileExists(file)) {
      throw new DeployStop(
        `--state ${stack}=${file}: no such file; pull it with \`npm run state:pull -- ${stack} --out ${file}\` (help/migration.md)`,
      );
    }
  }
}

/** Stops when a wave, its window or its deadline of a target falls inside the next windowMinutes. */
function requireQuietWindow(targets: string[], options: DeployOptions, deps: WorkflowDeps): void {
  const now = deps.now();
  const spans = deps.environments.filter((e) => targets.includes(e.name)).flatMap((e) => busySpans(e, now));
  const { conflicts, nextSafe } = checkWindow(spans, now, options.windowMinutes);
  if (conflicts.length === 0) {
    deps.say(
      `schedule window: no wave, window or deadline of ${targets.join(', ')} in the next ${options.windowMinutes} minutes`,
    );
    return;
  }
  const what = conflicts.map((c) => c.what).join('; ');
  const zone = conflicts[0]!.timezone;
  if (options.forceWindow) {
    deps.say(`--force-window: deploying although ${what} falls within the next ${options.windowMinutes} minutes`);
    return;
  }
  throw new DeployStop(
    `not now: ${what} falls within the next ${options.windowMinutes} minutes (now ${localAndUtc(now, zone)}). ` +
      `Next safe time: ${localAndUtc(nextSafe, zone)}. Deploy then, or pass --force-window (help/migration.md, "When to deploy")`,
  );
}

async function preflightAll(states: Record<string, string>, deps: WorkflowDeps): Promise<void> {
  for (const [stack, file] of Object.entries(states)) {
    let report: MigrationReport;
    try {
      report = await deps.preflight(stack, file);
    } catch (error) {
      throw new DeployStop(`migration preflight for ${stack} could not run: ${(error as Error).message}`);
    }
    if (!report.ok) {
      const destroyed = report.destroyed.filter((d) => !d.allowed).length;
      const replaced = report.replaced.filter((r) => !r.intended).length;
      throw new DeployStop(
        `migration preflight for ${stack} failed (${destroyed} destroyed not allowed, ${replaced} replaced not intended): see \`npm run migrate:check -- --stack ${stack} --state ${file}\``,
      );
    }
    deps.say(
      `migration preflight for ${stack}: ok (${report.moved.length} moved, ${report.destroyed.length} destroyed as allowed)`,
    );
  }
}

/** Stops when a target still holds a value it shipped with as a placeholder (help/migration.md, step 0). */
function requireNoPlaceholders(targets: string[], environments: EnvironmentConfig[]): void {
  for (const env of environments.filter((e) => targets.includes(e.name))) {
    const found = placeholdersIn(env);
    if (found.length > 0) {
      throw new DeployStop(
        `environments/${env.name}.ts still holds the shipped placeholder ${found.join(' and ')}: set the real value (help/migration.md, step 0)`,
      );
    }
  }
}

export async function deploy(options: DeployOptions, deps: WorkflowDeps): Promise<void> {
  const targets = targetsOf(options);
  requireStateFiles(options.states, deps.host);
  requirePrerequisites(deps.host, deps.cloudHostnames);
  requireNoPlaceholders(targets, deps.environments);
  requireQuietWindow(targets, options, deps);
  await preflightAll(options.states, deps);
  deps.say('running npm test before deploying');
  const [command, args] = TEST_COMMAND;
  const tests = await deps.runner(command, [...args]);
  if (tests !== 0) throw new DeployStop(`npm test failed (exit ${tests}): nothing was deployed; fix the tests first`);
  for (const [index, stack] of targets.entries()) {
    try {
      requireQuietWindow([stack], options, deps); // again: the tests and earlier stacks took time
    } catch (error) {
      if (index === 0 || !(error instanceof DeployStop)) throw error;
      throw new DeployStop(`${targets.slice(0, index).join(', ')} deployed; ${stack} not started: ${error.message}`);
    }
    const [cli, deployArgs] = cdktfCommand('deploy', stack, ...(options.autoApprove ? ['--auto-approve'] : []));
    deps.say(`${cli} ${deployArgs.join(' ')}`);
    const code = await deps.runner(cli, deployArgs);
    if (code !== 0) {
      const skipped = targets.slice(index + 1);
      throw new DeployStop(
        `cdktf deploy ${stack} failed (exit ${code})${skipped.length ? `; ${skipped.join(', ')} not deployed` : ''}`,
      );
    }
  }
  deps.say(`deployed ${targets.join(', then ')}`);
}

export async function diff(stack: string | undefined, deps: WorkflowDeps): Promise<number> {
  if (!stack || !(DEPLOY_ORDER as readonly string[]).includes(stack)) {
    throw new DeployStop(`which stack? give one of ${DEPLOY_ORDER.join(', ')}: npm run diff -- dev`);
  }
  requirePrerequisites(deps.host, deps.cloudHostnames);
  return deps.runner(...cdktfCommand('diff', stack));
}
