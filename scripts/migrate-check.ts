// npm run migrate:check -- --stack <env> --state <file> [--json]
// Reports what the first deploy does to the legacy state, from the real `terraform plan`; exit 0 only when nothing is destroyed
// or replaced that the migration does not intend (help/migration.md).
import { parseArgs } from 'node:util';
import { ConfigError } from '../environments';
import { checkMigration } from './migration/check';
import { renderReport } from './migration/render';
import { StateFileError } from './migration/state-file';

const USAGE = 'usage: npm run migrate:check -- --stack <env> --state <state.json> [--json]';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { stack: { type: 'string' }, state: { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length > 0) throw new StateFileError(`unexpected argument "${positionals[0]}"`);
  if (!values.stack || !values.state) throw new StateFileError('--stack and --state are both required');
  const report = await checkMigration({ stack: values.stack, stateFile: values.state });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof StateFileError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    if (!usage && !(error instanceof ConfigError)) throw error;
    process.stderr.write(`migrate:check: ${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
    process.exitCode = 2;
  },
);
