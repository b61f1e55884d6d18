// npm run deploy -- [<env>...] [--auto-approve] [--state <file> | --state <env>=<file>]... [--force-window] [--window-minutes 30]
// npm run diff -- <env>
// See help/migration.md for the first deploy onto a legacy workspace.
import { parseArgs } from 'node:util';
import { DeployStop } from './deploy/prerequisites';
import { deploy, diff } from './deploy/workflow';
import { GATE_OPTIONS, parseStates, realDeps, reportStop, windowMinutes } from './preflight/cli-deps';

const USAGE = [
  'usage: npm run deploy -- [dev|stg ...] [--auto-approve] [--state <state.json> | --state <env>=<state.json>]... [--cloudwatch-state <state.json>] [--force-window] [--window-minutes 30]',
  '       npm run diff -- <dev|stg>',
].join('\n');

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { 'auto-approve': { type: 'boolean', default: false }, ...GATE_OPTIONS },
  });
  if (command === 'diff') return diff(positionals[0], realDeps('diff'));
  if (command !== 'deploy') throw new DeployStop(`unexpected argument "${command}"`);
  await deploy(
    {
      autoApprove: values['auto-approve'],
      states: parseStates(values.state ?? [], positionals),
      cloudwatchStates: parseStates(values['cloudwatch-state'] ?? [], positionals, '--cloudwatch-state'),
      stacks: positionals,
      forceWindow: values['force-window'],
      windowMinutes: windowMinutes(values['window-minutes']),
    },
    realDeps('deploy'),
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  reportStop(process.argv[2] ?? 'deploy', USAGE),
);
