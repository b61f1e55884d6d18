// npm run schedule -- <env> [--days 7] [--from YYYY-MM-DD] [--markdown]
// The coming scale-up / scale-down runs in the configured zone and in UTC (help/schedule.md).
import { parseArgs } from 'node:util';
import { ConfigError, loadEnvironments } from '../environments';
import { EnvironmentArgumentError, environmentArgument } from './cli/environment-argument';
import { schedulePreview } from './schedule/preview';
import { renderMarkdown, renderText } from './schedule/render';

const USAGE = 'usage: npm run schedule -- <env> [--days 7] [--from YYYY-MM-DD] [--markdown]';

class UsageError extends Error {}

function main(argv: string[]): void {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      env: { type: 'string' },
      days: { type: 'string', default: '7' },
      from: { type: 'string' },
      markdown: { type: 'boolean', default: false },
    },
  });
  const environments = loadEnvironments();
  const name = environmentArgument({
    command: 'schedule',
    positionals,
    oldFlag: { name: '--env', value: values.env },
    known: environments.map((e) => e.name),
    notice: (line) => process.stderr.write(`${line}\n`),
  });
  const config = environments.find((env) => env.name === name)!;
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw new UsageError(`--days ${values.days}: give 1 to 366 days`);
  const from = values.from === undefined ? new Date() : new Date(`${values.from}T00:00:00Z`);
  if (Number.isNaN(from.getTime()) || (values.from && !/^\d{4}-\d{2}-\d{2}$/.test(values.from))) {
    throw new UsageError(`--from ${values.from}: give a date as YYYY-MM-DD (read as 00:00 UTC)`);
  }
  const preview = schedulePreview(config, from, days);
  process.stdout.write(values.markdown ? renderMarkdown(preview) : renderText(preview));
}

try {
  main(process.argv.slice(2));
} catch (error) {
  const usage =
    error instanceof UsageError ||
    error instanceof EnvironmentArgumentError ||
    (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
  if (!usage && !(error instanceof ConfigError)) throw error;
  process.stderr.write(`schedule: ${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
  process.exitCode = 2;
}
