// npm run preflight -- <env>... [--state <file> | --state <env>=<file>]... [--force-window] [--window-minutes 30]
// The deployment gate of the named environments alone (scripts/preflight/gate.ts): what `npm run
// deploy` checks before it applies, without AWS credentials. Exit 0 when the environment may be deployed.
import { parseArgs } from 'node:util';
import { DeployStop } from './deploy/prerequisites';
import { targetsOf } from './deploy/workflow';
import { GATE_OPTIONS, parseStates, realDeps, reportStop, windowMinutes } from './preflight/cli-deps';
import { runGate } from './preflight/gate';

const USAGE =
  'usage: npm run preflight -- <dev|stg> [--state <state.json>] [--cloudwatch-state <state.json>] [--force-window] [--window-minutes 30]';

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: GATE_OPTIONS });
  if (positionals.length === 0) throw new DeployStop('which environment? e.g. npm run preflight -- dev');
  const deps = realDeps('preflight');
  const states = parseStates(values.state ?? [], positionals);
  const cloudwatchStates = parseStates(values['cloudwatch-state'] ?? [], positionals, '--cloudwatch-state');
  const targets = targetsOf(positionals, states, deps.environments);
  const started = Date.now();
  await runGate(
    targets,
    {
      states,
      cloudwatchStates,
      forceWindow: values['force-window'],
      windowMinutes: windowMinutes(values['window-minutes']),
    },
    deps,
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  deps.say(`${targets.map((t) => t.name).join(', ')}: ready to deploy (${seconds} s)`);
}

main(process.argv.slice(2)).catch(reportStop('preflight', USAGE));
