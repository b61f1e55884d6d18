// The deployment gate, for the environments about to be deployed: the checks that concern them and
// nothing else (`npm run preflight -- <env>`, and the first half of `npm run deploy`). Quick checks
// first, each stopping with one line: state files, shipped placeholders, the schedule window, the
// migration preflight of each state file; then the live-config checks of those environments (their
// rules, synth, the real `terraform validate`, the reviewed snapshot) in a child jest.
import type { EnvironmentConfig } from '../../environments/schema';
import { placeholdersIn } from '../../environments/placeholders';
import type { MigrationReport } from '../migration/plan';
import { DeployStop, type Host } from '../deploy/prerequisites';
import { busySpans, checkWindow, localAndUtc } from '../deploy/window';

/** Runs a command with the terminal attached (and extra environment variables); resolves to its exit code. */
export type Runner = (command: string, args: string[], env?: Record<string, string>) => Promise<number>;

export interface GateDeps {
  runner: Runner;
  host: Host;
  /**
   * The migration preflight of one stack against its workspace's state file and, for an environment
   * that adopts the legacy cloudwatch root, that root's state (throws on a bad file).
   */
  preflight: (
    stack: string,
    stateFile: string,
    cloudwatchStateFile?: string,
  ) => MigrationReport | Promise<MigrationReport>;
  /** Whether a state file still holds the legacy's scale schedules (throws on a bad file). */
  holdsLegacySchedules: (stateFile: string) => boolean;
  /** Where the one-line progress notes go. */
  say: (line: string) => void;
  /** The validated environments. */
  environments: EnvironmentConfig[];
  now: () => Date;
}

export interface GateOptions {
  /** Legacy state files to preflight, by stack. */
  states: Record<string, string>;
  /** The legacy cloudwatch root's state, by the stack that adopts it (with its workspace's state). */
  cloudwatchStates?: Record<string, string>;
  /** Pass although a wave, its window or its deadline falls inside the next windowMinutes. */
  forceWindow: boolean;
  windowMinutes: number;
}

/** The live-config checks of the environments in LIVE_ENVIRONMENTS (__tests__/live/shipped.ts). */
export const LIVE_CHECKS = ['jest', '--ci', '__tests__/live/stacks.test.ts', '__tests__/live/terraform.test.ts'];

export function requireStateFiles(options: GateOptions, host: Host): void {
  for (const [stack, file] of Object.entries(options.states)) {
    if (!host.fileExists(file)) {
      throw new DeployStop(
        `--state ${file} (${stack}): no such file; pull it with \`npm run state:pull -- ${stack} --out ${file}\` (help/migration.md)`,
      );
    }
  }
  for (const [stack, file] of Object.entries(options.cloudwatchStates ?? {})) {
    if (!options.states[stack]) {
      throw new DeployStop(
        `--cloudwatch-state ${file} (${stack}): give ${stack}'s own workspace state with --state too; the legacy cloudwatch root's state only completes it`,
      );
    }
    if (!host.fileExists(file)) {
      throw new DeployStop(
        `--cloudwatch-state ${file} (${stack}): no such file; pull the legacy cloudwatch root's state (help/migration.md, "Adopting the legacy cloudwatch root")`,
      );
    }
  }
}

/** Stops when a target still holds a value it shipped with as a placeholder (help/migration.md, step 0). */
export function requireNoPlaceholders(targets: EnvironmentConfig[]): void {
  for (const env of targets) {
    const found = placeholdersIn(env);
    if (found.length > 0) {
      throw new DeployStop(
        `environments/${env.name}.ts still holds the shipped placeholder ${found.join(' and ')}: set the real value (help/migration.md, step 0)`,
      );
    }
  }
}

/**
 * The legacy's own runs (00:00 / 09:00 KST) count only while its schedules exist: when a state file
 * given for that environment still holds them (the first takeover). After the takeover they are gone.
 */
function legacyActive(stack: string, options: GateOptions, deps: GateDeps): boolean {
  const file = options.states[stack];
  if (file === undefined) return false;
  try {
    return deps.holdsLegacySchedules(file);
  } catch (error) {
    throw new DeployStop(`--state ${file} (${stack}) could not be read: ${(error as Error).message}`);
  }
}

/** Stops when a wave, its window or its deadline of a target falls inside the next windowMinutes. */
export function requireQuietWindow(targets: EnvironmentConfig[], options: GateOptions, deps: GateDeps): void {
  const now = deps.now();
  const spans = targets.flatMap((e) => busySpans(e, now, { legacy: legacyActive(e.name, options, deps) }));
  const names = targets.map((e) => e.name).join(', ');
  const { conflicts, nextSafe } = checkWindow(spans, now, options.windowMinutes);
  if (conflicts.length === 0) {
    deps.say(`schedule window: no wave, window or deadline of ${names} in the next ${options.windowMinutes} minutes`);
    return;
  }
  const what = conflicts.map((c) => c.what).join('; ');
  const zone = conflicts[0]!.timezone;
  if (options.forceWindow) {
    deps.say(`--force-window: going on although ${what} falls within the next ${options.windowMinutes} minutes`);
    return;
  }
  throw new DeployStop(
    `not now: ${what} falls within the next ${options.windowMinutes} minutes (now ${localAndUtc(now, zone)}). ` +
      `Next safe time: ${localAndUtc(nextSafe, zone)}. Deploy then, or pass --force-window (help/migration.md, "When to deploy")`,
  );
}

async function migrationPreflights(options: GateOptions, deps: GateDeps): Promise<void> {
  for (const [stack, file] of Object.entries(options.states)) {
    const cloudwatch = options.cloudwatchStates?.[stack];
    let report: MigrationReport;
    try {
      report = await deps.preflight(stack, file, cloudwatch);
    } catch (error) {
      throw new DeployStop(`migration preflight for ${stack} could not run: ${(error as Error).message}`);
    }
    if (!report.ok) {
      const command = `npm run migrate:check -- ${stack} --state ${file}${cloudwatch ? ` --cloudwatch-state ${cloudwatch}` : ''}`;
      throw new DeployStop(
        `migration preflight for ${stack} failed (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}, the first: ${report.problems[0] ?? 'see the report'}): see \`${command}\``,
      );
    }
    deps.say(
      `migration preflight for ${stack}: ok (${report.moved.length} moved, ${report.destroyed.length} destroyed as allowed)`,
    );
  }
}

async function liveChecks(targets: EnvironmentConfig[], deps: GateDeps): Promise<void> {
  const names = targets.map((e) => e.name).join(',');
  deps.say(`live-config checks of ${names}: rules, synth, terraform validate, reviewed snapshot`);
  const [command, ...args] = LIVE_CHECKS;
  const code = await deps.runner('npx', [command!, ...args], {
    LIVE_ENVIRONMENTS: names,
    REQUIRE_REAL_TERRAFORM: '1',
  });
  if (code !== 0) {
    throw new DeployStop(
      `live-config checks of ${names} failed (exit ${code}): nothing was deployed. A deliberate config change needs \`npm run test:update\` and a review of its diff`,
    );
  }
}

/** Runs the gate for `targets` (validated environments, in deployment order); throws DeployStop. */
export async function runGate(targets: EnvironmentConfig[], options: GateOptions, deps: GateDeps): Promise<void> {
  requireStateFiles(options, deps.host);
  requireNoPlaceholders(targets);
  requireQuietWindow(targets, options, deps);
  await migrationPreflights(options, deps);
  await liveChecks(targets, deps);
}
