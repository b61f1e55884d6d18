// The migration report from what Terraform itself plans (`terraform plan -refresh=false` of the
// synthesized stack against the pulled legacy state, read with `terraform show -json`).
import type { PlanJson, ResourceChange } from '../terraform/plan';
import type { Adoption, ImportCheck } from './adoption';
import { legacyFates, type LegacyFate } from './fates';
import { ALLOWED_DESTROYS, INTENDED_REPLACEMENTS, LEGACY_CLOUDWATCH_PREFIX } from './legacy';

export interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  moved?: { from: string; to: string }[];
  import?: { to: string; id: string }[];
  removed?: { from: string; lifecycle?: { destroy: boolean } }[];
  [key: string]: unknown;
}

export interface MigrationReport {
  stack: string;
  /** Every managed resource of the state(s) read, and what the takeover does with it. */
  legacy: LegacyFate[];
  /** Legacy address -> new address; the resource may also be updated in place (see `updated`). */
  moved: { from: string; to: string }[];
  /** Kept at the same address with no change. */
  unchanged: string[];
  /** Changed in place, with the top-level attributes Terraform changes. */
  updated: { address: string; attributes: string[] }[];
  replaced: { address: string; replacePaths: string[]; intended: boolean; reason: string }[];
  destroyed: { address: string; allowed: boolean; reason: string }[];
  /** New resources; the stack's import targets are never counted here (see `imported`). */
  created: string[];
  /** The stack's import blocks, each checked against the object it reads (adoption.ts). */
  imported: ImportCheck[];
  /** Data sources left out of the state copy: Terraform reads them again during the plan. */
  droppedDataSources: string[];
  /** What the check could not see or assumed (e.g. which state was given). */
  notes: string[];
  /** Each reason the takeover must not be applied as it is; empty when `ok`. */
  problems: string[];
  ok: boolean;
}

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function changedAttributes(change: ResourceChange['change']): string[] {
  const before = change.before ?? {};
  const after = change.after ?? {};
  const unknown = (change as { after_unknown?: Record<string, unknown> }).after_unknown ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => unknown[k] === true || !sameValue(before[k], after[k])).sort();
}

/** Why Terraform would delete a legacy resource no block accounts for. */
export function destroyReason(address: string): string {
  if (address.startsWith(LEGACY_CLOUDWATCH_PREFIX)) {
    return 'a resource of the legacy cloudwatch root, and this environment does not adopt it: set "cloudwatch.adoptLegacy" in the one environment that takes the root over (help/migration.md)';
  }
  const scheduler = /^module\.([^.]+)\.aws_(iam_role|iam_role_policy|scheduler_schedule)\./.exec(address);
  if (scheduler) {
    return `no moved block from this address: if module.${scheduler[1]} scheduled a service that is still configured, set that service's "legacyModule" to "${scheduler[1]}"; otherwise Terraform destroys it`;
  }
  return 'not a legacy resource this project takes over, and no moved block names it: Terraform would destroy it';
}

function replacement(rc: ResourceChange): MigrationReport['replaced'][number] {
  const paths = (rc.change.replace_paths ?? []).map((p) => p.join('.'));
  const byTrigger = rc.action_reason === 'replace_by_triggers';
  const causes = byTrigger ? ['replace_triggered_by'] : paths;
  const designed = causes.map((c) => INTENDED_REPLACEMENTS[`${rc.address}#${c}`]);
  const intended = causes.length > 0 && designed.every((d) => d !== undefined);
  const what = byTrigger
    ? 'lifecycle.replace_triggered_by: a resource it names is replaced'
    : paths.length > 0
      ? `${paths.join(', ')} ${paths.length === 1 ? 'forces' : 'force'} replacement`
      : `replaced (${rc.action_reason ?? 'no reason given'})`;
  const detail = paths
    .filter((p) => !p.includes('.'))
    .map(
      (p) =>
        `${p}: ${JSON.stringify(rc.change.before?.[p] ?? null)} -> ${JSON.stringify(rc.change.after?.[p] ?? '(known after apply)')}`,
    );
  const reason = [what, ...detail, ...(intended ? designed : [])].join('; ');
  return { address: rc.address, replacePaths: byTrigger ? ['replace_triggered_by'] : paths, intended, reason };
}

export interface PlanContext {
  adoption: Adoption;
  /** Managed resources of the workspace state (the stack's own backend). */
  workspace: string[];
  droppedDataSources?: string[];
  notes?: string[];
}

/** Classifies the managed resource changes of a plan, and gives each legacy resource its fate. */
export function reportFromPlan(stack: string, plan: PlanJson, context: PlanContext): MigrationReport {
  const { adoption } = context;
  const importTargets = new Set(adoption.imports.map((i) => i.to));
  const decided = new Map(adoption.handover.map((b) => [b.from, b]));
  const report: MigrationReport = {
    stack,
    legacy: [],
    moved: [],
    unchanged: [],
    updated: [],
    replaced: [],
    destroyed: [],
    created: [],
    imported: adoption.imports,
    droppedDataSources: context.droppedDataSources ?? [],
    notes: [...(context.notes ?? []), ...adoption.notes],
    problems: [],
    ok: false,
  };
  const changes = (plan.resource_changes ?? []).filter((rc) => rc.mode === 'managed');
  for (const rc of changes) {
    const actions = rc.change.actions.join(',');
    if (rc.previous_address) report.moved.push({ from: rc.previous_address, to: rc.address });
    if (actions === 'no-op' && !rc.previous_address && !importTargets.has(rc.address)) {
      report.unchanged.push(rc.address);
    } else if (actions === 'update') {
      report.updated.push({ address: rc.address, attributes: changedAttributes(rc.change) });
    } else if (actions === 'delete,create' || actions === 'create,delete') {
      report.replaced.push(replacement(rc));
    } else if (actions === 'delete') {
      const block = decided.get(rc.address);
      const allowed = ALLOWED_DESTROYS[rc.address] ?? (block?.destroy ? block.why : undefined);
      report.destroyed.push({
        address: rc.address,
        allowed: allowed !== undefined,
        reason: allowed ?? adoption.undecided.get(rc.address) ?? destroyReason(rc.address),
      });
    } else if (actions === 'create' && !rc.change.importing && !importTargets.has(rc.address)) {
      report.created.push(rc.address);
    }
  }
  report.legacy = legacyFates(changes, report, context);
  report.problems = [
    ...report.legacy.filter((l) => !l.allowed).map((l) => `${l.address}: ${l.reason}`),
    ...report.replaced
      .filter((r) => !r.intended && !report.legacy.some((l) => l.to === r.address))
      .map((r) => `${r.address}: ${r.reason}`),
    ...report.destroyed
      .filter((d) => !d.allowed && !report.legacy.some((l) => l.address === d.address))
      .map((d) => `${d.address}: ${d.reason}`),
    ...report.imported
      .filter((i) => i.status === 'fails' || i.status === 'not planned')
      .map((i) => `${i.to}: ${i.reason}`),
  ];
  report.ok = report.problems.length === 0;
  return report;
}
