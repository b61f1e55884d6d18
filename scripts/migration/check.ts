// The migration preflight: one stack against the state of its workspace (and, when the environment
// adopts it, the legacy cloudwatch root's), planned by the real terraform.
import type { EnvironmentInput } from '../../environments';
import { planStack } from '../terraform/plan';
import { findToolchain, ToolchainMissing } from '../terraform/toolchain';
import { adopt } from './adoption';
import { environmentMismatch } from './environment';
import { LEGACY_CLOUDWATCH_PREFIX } from './legacy';
import { reportFromPlan, type MigrationReport, type StackJson } from './plan';
import { stateDocument } from './state-document';
import { readStateFile, StateFileError, type ParsedState, type StateResource } from './state-file';
import { stackNames, withSynthesizedStack } from './synthesize';

export interface CheckOptions {
  stack: string;
  /** The state of the stack's workspace (the legacy ecs-scheduler root's, before the first deploy). */
  stateFile: string;
  /**
   * The legacy cloudwatch root's state, for an environment that adopts it (cloudwatch.adoptLegacy):
   * its `module.cloudwatch` stands in for what the stack's imports read from AWS.
   */
  cloudwatchStateFile?: string;
  /** Checks this environment's stack instead of the app's (its name must be `stack`). */
  environment?: EnvironmentInput;
  /** Replaces the synthesized stack's JSON (tests of a changed stack); its assets still come from the app. */
  config?: StackJson;
}

const ECS_SCHEDULER_LEGACY = /^module\.([a-z0-9_]+_scheduler|slack_notifier)\./;
const inCloudwatchModule = (r: StateResource) => r.address.startsWith(LEGACY_CLOUDWATCH_PREFIX);

interface SplitStates {
  /** The workspace's resources, data sources included. */
  workspace: StateResource[];
  /** module.cloudwatch managed resources; undefined when no state of the legacy cloudwatch root was read. */
  cloudwatch?: StateResource[];
  /** module.cloudwatch data sources (dropped from the plan, listed). */
  cloudwatchData: StateResource[];
  otherRoot: string[];
  notes: string[];
}

function ownAddresses(stack: StackJson): Set<string> {
  return new Set(
    Object.entries(stack.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`)),
  );
}

/** Which resources belong to the stack's workspace and which to the legacy cloudwatch root. */
function splitStates(
  workspace: ParsedState,
  cloudwatchRoot: ParsedState | undefined,
  options: CheckOptions,
  stack: StackJson,
): SplitStates {
  const managed = (r: StateResource) => r.mode === 'managed';
  const fromRoot = (root: ParsedState) => ({
    cloudwatch: root.resources.filter((r) => managed(r) && inCloudwatchModule(r)),
    cloudwatchData: root.resources.filter((r) => !managed(r) && inCloudwatchModule(r)),
    otherRoot: root.resources.filter((r) => managed(r) && !inCloudwatchModule(r)).map((r) => r.address),
  });
  if (cloudwatchRoot) {
    const root = fromRoot(cloudwatchRoot);
    return {
      workspace: workspace.resources.filter((r) => !inCloudwatchModule(r)),
      ...root,
      cloudwatch: [...workspace.resources.filter((r) => managed(r) && inCloudwatchModule(r)), ...root.cloudwatch],
      notes: [],
    };
  }
  const own = ownAddresses(stack);
  const held = workspace.resources.filter(managed);
  const isCloudwatchRoot =
    held.some(inCloudwatchModule) && !held.some((r) => ECS_SCHEDULER_LEGACY.test(r.address) || own.has(r.address));
  if (isCloudwatchRoot) {
    return {
      workspace: [],
      ...fromRoot(workspace),
      notes: [
        `${options.stateFile} is the legacy cloudwatch root's state (module.cloudwatch; no legacy scheduler or notifier resource, none of stack ${options.stack}'s own): the stack is planned against an empty workspace, so its other resources show as created; its workspace's own state is checked on its own`,
      ],
    };
  }
  const cloudwatch = held.filter(inCloudwatchModule);
  return {
    workspace: workspace.resources.filter((r) => !inCloudwatchModule(r) || r.mode === 'data'),
    ...(cloudwatch.length > 0 ? { cloudwatch } : {}),
    cloudwatchData: [],
    otherRoot: [],
    notes: [],
  };
}

/** A state with neither a legacy resource nor one of the stack's own (empty, or another workspace). */
function requireSomethingToTakeOver(options: CheckOptions, states: SplitStates, stack: StackJson): void {
  const own = ownAddresses(stack);
  const managed = [...states.workspace, ...(states.cloudwatch ?? [])].filter((r) => r.mode === 'managed');
  if (managed.some((r) => ECS_SCHEDULER_LEGACY.test(r.address) || inCloudwatchModule(r) || own.has(r.address))) return;
  throw new StateFileError(
    `${options.stateFile} holds no legacy resource (module.<service>_scheduler.*, module.slack_notifier.*, module.cloudwatch.*) and none of stack ${options.stack}'s own: it is empty or from another workspace. Pull the state of the legacy workspace ecs-scheduler-${options.stack} (help/migration.md)`,
  );
}

function requireStack(options: CheckOptions): void {
  const names = options.environment ? [options.environment.name] : stackNames();
  if (names.includes(options.stack)) return;
  throw new StateFileError(
    options.environment
      ? `--stack ${options.stack}: the environment given is "${options.environment.name}"`
      : `--stack ${options.stack}: no such stack; the app has ${names.join(', ')}`,
  );
}

export async function checkMigration(options: CheckOptions): Promise<MigrationReport> {
  requireStack(options);
  const workspace = readStateFile(options.stateFile);
  const cloudwatchRoot = options.cloudwatchStateFile ? readStateFile(options.cloudwatchStateFile) : undefined;
  return withSynthesizedStack(options, async (synthesized) => {
    const stack = options.config ?? synthesized.json;
    const states = splitStates(workspace, cloudwatchRoot, options, stack);
    const mismatch = environmentMismatch(options.stack, states.workspace);
    if (mismatch) throw new StateFileError(`${options.stateFile}: ${mismatch}`);
    requireSomethingToTakeOver(options, states, stack);
    const toolchain = findToolchain({ offline: false });
    if (toolchain instanceof ToolchainMissing) {
      throw new StateFileError(`the check runs terraform plan offline, and ${toolchain.message}`);
    }
    const workspaceManaged = states.workspace.filter((r) => r.mode === 'managed').map((r) => r.address);
    const adoption = adopt({
      stack,
      environment: synthesized.environment,
      cloudwatch: states.cloudwatch,
      otherRoot: states.otherRoot,
      workspace: new Set(workspaceManaged),
    });
    const offline = await planStack(
      toolchain,
      { dir: synthesized.dir, file: 'cdk.tf.json', json: adoption.config },
      stateDocument([...states.workspace, ...adoption.planned, ...states.cloudwatchData], workspace.terraformVersion),
    );
    return reportFromPlan(options.stack, offline.plan, {
      adoption,
      workspace: workspaceManaged,
      droppedDataSources: offline.droppedDataSources,
      notes: states.notes,
    });
  });
}
