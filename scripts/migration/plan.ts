// The migration report from what Terraform itself plans (`terraform plan -refresh=false` of the
// synthesized stack against the pulled legacy state, read with `terraform show -json`).
import type { PlanJson, ResourceChange } from '../terraform/plan';
import { ALLOWED_DESTROYS, INTENDED_REPLACEMENTS } from './legacy';

export interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  moved?: { from: string; to: string }[];
  import?: { to: string; id: string }[];
  [key: string]: unknown;
}

export interface MigrationReport {
  stack: string;
  /** Legacy address -> new address; the resource may also be updated in place (see `updated`). */
  moved: { from: string; to: string }[];
  /** Kept at the same address with no change. */
  unchanged: string[];
  /** Changed in place, with the top-level attributes Terraform changes. */
  updated: { address: string; attributes: string[] }[];
  replaced: { address: string; replacePaths: string[]; intended: boolean; reason: string }[];
  destroyed: { address: string; allowed: boolean; reason: string }[];
  created: string[];
  /** Legacy cloudwatch resources adopted with import blocks (see adoption in check.ts). */
  imported: { to: string; id: string; from?: string }[];
  /** Data sources left out of the state copy: Terraform reads them again during the plan. */
  droppedDataSources: string[];
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

function destroyReason(address: string): string {
  if (address.startsWith('module.cloudwatch.')) {
    return 'a resource of the legacy cloudwatch root: this stack adopts that root only with "cloudwatch.adoptLegacy" (and legacyNames: true) in one environment; see help/migration.md';
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

/**
 * Classifies the managed resource changes of a plan. `adopted` maps a new address to the legacy
 * cloudwatch address whose state stands in for its import (check.ts).
 */
export function reportFromPlan(
  stack: string,
  plan: PlanJson,
  options: {
    imports?: { to: string; id: string }[];
    adopted?: ReadonlyMap<string, string>;
    droppedDataSources?: string[];
  },
): MigrationReport {
  const report: MigrationReport = {
    stack,
    moved: [],
    unchanged: [],
    updated: [],
    replaced: [],
    destroyed: [],
    created: [],
    imported: (options.imports ?? []).map(({ to, id }) => {
      const from = options.adopted?.get(to);
      return { to, id, ...(from ? { from } : {}) };
    }),
    droppedDataSources: options.droppedDataSources ?? [],
    ok: false,
  };
  for (const rc of plan.resource_changes ?? []) {
    if (rc.mode !== 'managed') continue;
    const actions = rc.change.actions.join(',');
    if (rc.previous_address) report.moved.push({ from: rc.previous_address, to: rc.address });
    if (actions === 'no-op' && !rc.previous_address && !options.adopted?.has(rc.address)) {
      report.unchanged.push(rc.address);
    } else if (actions === 'update') {
      report.updated.push({ address: rc.address, attributes: changedAttributes(rc.change) });
    } else if (actions === 'delete,create' || actions === 'create,delete') {
      report.replaced.push(replacement(rc));
    } else if (actions === 'delete') {
      const allowed = ALLOWED_DESTROYS[rc.address];
      report.destroyed.push({
        address: rc.address,
        allowed: allowed !== undefined,
        reason: allowed ?? destroyReason(rc.address),
      });
    } else if (actions === 'create' && !rc.change.importing) {
      report.created.push(rc.address);
    }
  }
  report.ok = report.destroyed.every((d) => d.allowed) && report.replaced.every((r) => r.intended);
  return report;
}
