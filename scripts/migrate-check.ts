// npm run migrate:check -- <env> --state <file> [--cloudwatch-state <file>] [--json]
// Reports what the first deploy does to the legacy state, from the real `terraform plan`; exit 0 only when nothing is destroyed
// or replaced that the migration does not intend (help/migration.md).
import { parseArgs } from 'node:util';
import { ConfigError, ENVIRONMENT_INPUTS } from '../environments';
import { EnvironmentArgumentError, environmentArgument } from './cli/environment-argument';
import { checkMigration } from './migration/check';
import { renderReport } from './migration/render';
import { StateFileError } from './migration/state-file';

const USAGE = 'usage: npm run migrate:check -- <env> --state <state.json> [--cloudwatch-state <state.json>] [--json]';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stack: { type: 'string' },
      state: { type: 'string' },
      'cloudwatch-state': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const stack = environmentArgument({
    command: 'migrate:check',
    positionals,
    oldFlag: { name: '--stack', value: values.stack },
    known: ENVIRONMENT_INPUTS.map((input) => input.name),
    notice: (line) => process.stderr.write(`${line}\n`),
  });
  if (!values.state) throw new StateFileError('--state is required: the state file to check');
  const cloudwatchStateFile = values['cloudwatch-state'];
  const report = await checkMigration({
    stack,
    stateFile: values.state,
    ...(cloudwatchStateFile ? { cloudwatchStateFile } : {}),
  });
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage =
      error instanceof StateFileError ||
      error instanceof EnvironmentArgumentError ||
      (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
    if (!usage && !(error instanceof ConfigError)) throw error;
    process.stderr.write(`migrate:check: ${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
    process.exitCode = 2;
  },
);
