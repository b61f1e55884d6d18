// npm run bench [-- --quick] [-- --skip-tests]: synth at 20/50/500 services against the floor,
// `cdktf synth` end to end, `npm test`, and per function the zip, cold load and handler time.
// Writes bench/results.json and prints a table; help/performance.md records the figures.
import { cpus, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertServiceEnvironment } from '../constructs/cloudwatch/function-environment';
import { slackNotifierEnvironment } from '../constructs/slack-notifier/function-environment';
import { waveManifestFiles } from '../constructs/slack-notifier/wave-manifest';
import { loadEnvironments } from '../environments';
import { bundleFigures } from './functions';
import { handlerFigures, LARGEST_WAVE, summaryFigures } from './handlers';
import { timeProcess, type Timing } from './measure';

const ROOT = join(__dirname, '..');
const SERVICE_COUNTS = [20, 50, 500] as const;
const BUDGETS = { synth20: 1.0, synth500: 3.0, zipKb: 150, coldLoadMs: 80, summarize10kMs: 500, npmTest: 60 };

const quick = process.argv.includes('--quick');
const skipTests = process.argv.includes('--skip-tests');
const runs = quick ? 3 : 5;
const tsx = (script: string, ...args: string[]): [string, string[]] => [
  process.execPath,
  ['--import', 'tsx', script, ...args],
];

function line(label: string, value: string, budget = ''): void {
  process.stdout.write(`${label.padEnd(44)} ${value.padStart(12)}  ${budget}\n`);
}
const verdict = (ok: boolean, budget: string) => `${ok ? 'ok' : 'OVER'} (budget ${budget})`;

async function main(): Promise<void> {
  process.stdout.write(
    `bench: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}\n\n`,
  );
  const floor = timeProcess(...tsx('bench/floor.ts'), runs, ROOT);
  line('floor: load cdktf + provider classes', `${floor.median.toFixed(2)} s`);
  const synth: Record<number, Timing & { ratioToFloor: number }> = {};
  for (const services of SERVICE_COUNTS) {
    const t = timeProcess(
      ...tsx('bench/synth-app.ts', String(services)),
      services === 500 ? Math.min(runs, 3) : runs,
      ROOT,
    );
    synth[services] = { ...t, ratioToFloor: Math.round((t.median / floor.median) * 100) / 100 };
    const budget = services === 20 ? BUDGETS.synth20 : services === 500 ? BUDGETS.synth500 : undefined;
    line(
      `app synth, both stacks, ${services} services each`,
      `${t.median.toFixed(2)} s`,
      `x${synth[services].ratioToFloor} floor${budget ? `; ${verdict(t.median <= budget, `${budget} s`)}` : ''}`,
    );
  }
  const perService = (synth[500]!.median - synth[20]!.median) / 480;
  const predicted50 = synth[20]!.median + 30 * perService;
  line(
    '  growth per service (20 -> 500)',
    `${(perService * 1000).toFixed(1)} ms`,
    `50 predicted ${predicted50.toFixed(2)} s, measured ${synth[50]!.median.toFixed(2)} s`,
  );

  const cdktfSynth = timeProcess(
    'npx',
    ['cdktf', 'synth', '--output', join('bench', '.cdktf.out')],
    Math.min(runs, 3),
    ROOT,
  );
  line('npx cdktf synth (end to end)', `${cdktfSynth.median.toFixed(2)} s`);

  let npmTest: Timing | undefined;
  if (!skipTests) {
    npmTest = timeProcess('npm', ['test'], 1, ROOT);
    line(
      'npm test',
      `${npmTest.median.toFixed(1)} s`,
      verdict(npmTest.median <= BUDGETS.npmTest, `${BUDGETS.npmTest} s`),
    );
  }

  const dev = loadEnvironments()[0]!;
  const environments: Record<string, Record<string, string>> = {
    'slack-notifier': slackNotifierEnvironment(dev, dev.slackNotifier.webhookSecret),
    'alert-service': alertServiceEnvironment(dev, dev.cloudwatch.webhookSecret),
  };
  const bundles = Object.fromEntries(
    Object.entries(environments).map(([name, env]) => [
      name,
      // The zip the dev stack deploys: the notifier's carries the wave manifest beside its code.
      bundleFigures(name, env, runs, name === 'slack-notifier' ? waveManifestFiles(dev) : {}),
    ]),
  );
  for (const [name, b] of Object.entries(bundles)) {
    line(
      `${name}: zip`,
      `${(b.zipBytes / 1024).toFixed(1)} KB`,
      verdict(b.zipBytes <= BUDGETS.zipKb * 1024, `${BUDGETS.zipKb} KB`),
    );
    line(
      `${name}: cold load of the bundle`,
      `${b.coldLoadMs.median.toFixed(1)} ms`,
      verdict(b.coldLoadMs.median <= BUDGETS.coldLoadMs, `${BUDGETS.coldLoadMs} ms`),
    );
  }
  const summary = summaryFigures(10_000, runs);
  line(
    'slack-notifier: summary of 10,000 results',
    `${summary.median.toFixed(1)} ms`,
    `${summary.messages} messages; ${verdict(summary.median <= BUDGETS.summarize10kMs, `${BUDGETS.summarize10kMs} ms`)}`,
  );
  const handlers = await handlerFigures(runs);
  for (const [name, byCount] of Object.entries(handlers)) {
    for (const [records, t] of Object.entries(byCount)) {
      const note =
        name === 'slack-notifier' && Number(records) > LARGEST_WAVE
          ? `a ${LARGEST_WAVE}-service wave, each call delivered ${Number(records) / LARGEST_WAVE} times`
          : '';
      line(`${name}: handler, ${records} records`, `${t.median.toFixed(1)} ms`, note);
    }
  }

  const results = {
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      platform: process.platform,
    },
    runs,
    budgets: BUDGETS,
    synthSeconds: { floor, byServicesPerEnvironment: synth, msPerService: Math.round(perService * 10000) / 10 },
    cdktfSynthSeconds: cdktfSynth,
    ...(npmTest ? { npmTestSeconds: npmTest } : {}),
    summaryOf10000ResultsMs: summary,
    functions: Object.fromEntries(
      Object.entries(bundles).map(([name, b]) => [name, { ...b, handlerMs: handlers[name] }]),
    ),
  };
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write('\nwrote bench/results.json\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
