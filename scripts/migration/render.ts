// The preflight report as text for an operator.
import type { MigrationReport } from './plan';

export function renderReport(report: MigrationReport): string {
  const lines: string[] = [
    `Migration preflight for stack "${report.stack}" (terraform plan -refresh=false against the given state)`,
    '',
  ];
  const section = (title: string, items: string[]) => {
    lines.push(`${title} (${items.length})`);
    for (const item of items) lines.push(`  ${item}`);
    lines.push('');
  };
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
    report.imported.map((i) => `${i.to} <- ${i.id}${i.from ? ` (was ${i.from})` : ''}`),
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
      ? 'OK: nothing is destroyed or replaced that the migration does not intend.'
      : 'NOT OK: fix the lines marked NOT ALLOWED / NOT INTENDED before `cdktf deploy` (help/migration.md).',
  );
  return `${lines.join('\n')}\n`;
}
