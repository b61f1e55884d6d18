// The migration preflight: one stack against one state file, planned by the real terraform.
import { planStack } from '../terraform/plan';
import { findToolchain, ToolchainMissing } from '../terraform/toolchain';
import { environmentMismatch } from './environment';
import { ADOPTED_CLOUDWATCH } from './legacy';
import { reportFromPlan, type MigrationReport, type StackJson } from './plan';
import { stateDocument } from './state-document';
import { readStateFile, StateFileError, type StateResource } from './state-file';
import { stackNames, withSynthesizedStack } from './synthesize';

export interface CheckOptions {
  stack: string;
  stateFile: string;
  /** Replaces the synthesized stack's JSON (tests of a changed stack); its assets still come from the app. */
  config?: StackJson;
}

const LEGACY_ADDRESS = /^module\.([a-z0-9_]+_scheduler|slack_notifier|cloudwatch)\./;

/**
 * Import blocks need AWS to read each resource. Offline, the legacy cloudwatch resources' own state
 * stands in for that read: each is placed at the address its import block names, and the import
 * blocks are left out of the planned copy. Terraform then plans what adopting them changes.
 */
function adopt(config: StackJson, resources: StateResource[]) {
  const targets = new Set((config.import ?? []).map((i) => i.to));
  const adopted = new Map<string, string>();
  const placed = resources.map((r) => {
    const to = ADOPTED_CLOUDWATCH.get(r.address);
    if (!to || !targets.has(to)) return r;
    adopted.set(to, r.address);
    return { ...r, address: to };
  });
  const { import: imports, ...rest } = config;
  return { resources: placed, adopted, imports: imports ?? [], planned: targets.size > 0 ? rest : config };
}

/** A state with neither a legacy resource nor one of the stack's own (empty, or another workspace). */
function requireSomethingToTakeOver(options: CheckOptions, resources: StateResource[], stack: StackJson): void {
  const own = new Set(
    Object.entries(stack.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`)),
  );
  const managed = resources.filter((r) => r.mode === 'managed');
  if (managed.some((r) => LEGACY_ADDRESS.test(r.address) || own.has(r.address))) return;
  throw new StateFileError(
    `${options.stateFile} holds no legacy resource (module.<service>_scheduler.*, module.slack_notifier.*, module.cloudwatch.*) and none of stack ${options.stack}'s own: it is empty or from another workspace. Pull the state of the legacy workspace ecs-scheduler-${options.stack} (help/migration.md)`,
  );
}

export async function checkMigration(options: CheckOptions): Promise<MigrationReport> {
  if (!stackNames().includes(options.stack)) {
    throw new StateFileError(`--stack ${options.stack}: no such stack; the app has ${stackNames().join(', ')}`);
  }
  const state = readStateFile(options.stateFile);
  const mismatch = environmentMismatch(options.stack, state.resources);
  if (mismatch) throw new StateFileError(`${options.stateFile}: ${mismatch}`);
  return withSynthesizedStack(options.stack, async (dir, synthesized) => {
    requireSomethingToTakeOver(options, state.resources, options.config ?? synthesized);
    const toolchain = findToolchain({ offline: false });
    if (toolchain instanceof ToolchainMissing) {
      throw new StateFileError(`the check runs terraform plan offline, and ${toolchain.message}`);
    }
    const { resources, adopted, imports, planned } = adopt(options.config ?? synthesized, state.resources);
    const offline = await planStack(
      toolchain,
      { dir, file: 'cdk.tf.json', json: planned },
      stateDocument(resources, state.terraformVersion),
    );
    return reportFromPlan(options.stack, offline.plan, {
      imports,
      adopted,
      droppedDataSources: offline.droppedDataSources,
    });
  });
}
