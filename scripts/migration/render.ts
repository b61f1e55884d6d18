// The preflight report as text for an operator.
import type { MigrationReport } from './plan';

const FATE_WIDTH = 'stays in its root'.length;

export function renderReport(report: MigrationReport): string {
  const lines: string[] = [
    `Migration preflight for stack "${report.stack}" (terraform plan -refresh=false against the given state)`,
    '',
  ];
  for (const note of report.notes) lines.push(`Note: ${note}`, '');
  const section = (title: string, items: string[]) => {
    lines.push(`${title} (${items.length})`);
    for (const item of items) lines.push(`  ${item}`);
    lines.push('');
  };
  section(
    'legacy resources: what the takeover does with each',
    report.legacy.map((l) => {
      const fate = (l.allowed ? l.fate : `${l.fate}: NOT DECIDED`).padEnd(FATE_WIDTH);
      const to = l.to && l.to !== l.address ? ` -> ${l.to}` : '';
      const why = l.reason && (!l.allowed || ['deleted', 'left unmanaged', 'replaced'].includes(l.fate));
      return `${fate}  ${l.address}${to}${why ? `: ${l.reason}` : ''}`;
    }),
  );
  section(
    'moved',
    report.moved.map((m) => `${m.from} -> ${m.to}`),
  );
  section('unchanged', report.unchanged);
  section(
    'updated in place',
    report.updated.map((u) => `${u.address}: ${u.attributes.join(', ')}`),
  );
  section(
    'replaced',
    report.replaced.map((r) => `${r.intended ? 'intended  ' : 'NOT INTENDED'} ${r.address}: ${r.reason}`),
  );
  section(
    'destroyed',
    report.destroyed.map((d) => `${d.allowed ? 'allowed   ' : 'NOT ALLOWED'} ${d.address}: ${d.reason}`),
  );
  section(
    'imported',
    report.imported.map((i) => {
      const where = i.from ? ` (was ${i.from})` : '';
      const status =
        i.status === 'planned'
          ? ''
          : ` [${i.status === 'fails' ? 'FAILS' : i.status === 'not planned' ? 'NOT PLANNED' : i.status}: ${i.reason}]`;
      return `${i.to} <- ${i.id}${where}${status}`;
    }),
  );
  section('created', report.created);
  if (report.droppedDataSources.length > 0) {
    lines.push(
      `(${report.droppedDataSources.length} data sources of the state were left out of the planned copy: Terraform reads data sources again during a plan, and the legacy data.archive_file needs a provider this check does not install)`,
      '',
    );
  }
  lines.push(
    report.ok
      ? 'OK: every legacy resource is moved, imported or removed as the configuration decides; nothing is destroyed or replaced that the migration does not intend.'
      : `NOT OK (${report.problems.length}): fix the lines marked NOT DECIDED / NOT INTENDED / NOT ALLOWED / FAILS / NOT PLANNED before \`cdktf deploy\` (help/migration.md).`,
  );
  return `${lines.join('\n')}\n`;
}
