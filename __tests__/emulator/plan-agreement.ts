// Does the preflight (an offline plan against the pulled states) say what the real plans on the
// emulator do? Both are reduced to the same sections, address by address.
import type { MigrationReport } from '../../scripts/migration/plan';
import type { PlanJson } from '../../scripts/terraform/plan';

export interface Sections {
  moved: string[];
  created: string[];
  updated: string[];
  unchanged: string[];
  replaced: string[];
  deleted: string[];
  imported: string[];
}

const sorted = (list: string[]) => [...list].sort();

/** The sections of the stack's real plan (import blocks and all, against the workspace state). */
export function realPlanSections(plan: PlanJson): Sections {
  const s: Sections = { moved: [], created: [], updated: [], unchanged: [], replaced: [], deleted: [], imported: [] };
  for (const rc of (plan.resource_changes ?? []).filter((r) => r.mode === 'managed')) {
    const actions = rc.change.actions.join(',');
    if (rc.previous_address) s.moved.push(`${rc.previous_address} -> ${rc.address}`);
    if (rc.change.importing) s.imported.push(rc.address);
    if (actions === 'update') s.updated.push(rc.address);
    else if (actions === 'delete,create' || actions === 'create,delete') s.replaced.push(rc.address);
    else if (actions === 'delete') s.deleted.push(rc.address);
    else if (actions === 'create') s.created.push(rc.address);
    else if (actions === 'no-op' && !rc.previous_address && !rc.change.importing) s.unchanged.push(rc.address);
  }
  return s;
}

/** The same sections from the preflight's report, leaving out the legacy cloudwatch root's hand-over. */
export function preflightSections(report: MigrationReport): Sections {
  return {
    moved: report.moved.map((m) => `${m.from} -> ${m.to}`),
    created: report.created,
    updated: report.updated.map((u) => u.address),
    unchanged: report.unchanged,
    replaced: report.replaced.map((r) => r.address),
    deleted: report.destroyed.map((d) => d.address).filter((a) => !a.startsWith('module.cloudwatch.')),
    imported: report.imported.filter((i) => i.status === 'planned').map((i) => i.to),
  };
}

/** One line per address the two put in different sections; empty when they agree. */
export function disagreements(preflight: Sections, real: Sections): string[] {
  const lines: string[] = [];
  for (const key of Object.keys(preflight) as (keyof Sections)[]) {
    const a = new Set(preflight[key]);
    const b = new Set(real[key]);
    for (const x of sorted([...a].filter((v) => !b.has(v)))) lines.push(`${key}: ${x} in the preflight only`);
    for (const x of sorted([...b].filter((v) => !a.has(v)))) lines.push(`${key}: ${x} in the real plan only`);
  }
  return lines;
}

/**
 * The legacy cloudwatch root's hand-over plan against the preflight's fates: what the stack imports
 * and what is left unmanaged is forgotten there, what is deleted is destroyed there.
 */
export function handoverDisagreements(report: MigrationReport, handover: PlanJson): string[] {
  const actions = new Map(
    (handover.resource_changes ?? [])
      .filter((rc) => rc.mode === 'managed')
      .map((rc) => [rc.address, rc.change.actions.join(',')]),
  );
  const expected: Record<string, string> = {
    imported: 'forget',
    replaced: 'forget',
    'left unmanaged': 'forget',
    deleted: 'delete',
  };
  const lines: string[] = [];
  const cloudwatch = report.legacy.filter((l) => l.address.startsWith('module.cloudwatch.'));
  for (const l of cloudwatch) {
    const want = expected[l.fate];
    const got = actions.get(l.address) ?? '(absent)';
    if (got !== want) lines.push(`${l.address}: preflight says ${l.fate}, the hand-over plan ${got}`);
  }
  for (const address of actions.keys()) {
    if (!cloudwatch.some((l) => l.address === address)) lines.push(`${address}: in the hand-over plan only`);
  }
  return lines;
}
