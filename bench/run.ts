// npm run bench [-- --quick] [-- --skip-tests]: synth at 20/50/500 services, `npm run synth` and
// `cdktf synth` end to end against the app alone, and `npm test`, each paired run by run with its floor measured in the same run (a process that only
// loads cdktf; a bare Node process for npm test), and per function the zip, cold load and handler time.
// Writes bench/results.json and prints a table; help/performance.md records the figures.
import { cpus, loadavg, totalmem } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { alertServiceEnvironment } from '../constructs/cloudwatch/function-environment';
import { slackNotifierEnvironment } from '../constructs/slack-notifier/function-environment';
import { waveManifestFiles } from '../constructs/slack-notifier/wave-manifest';
import { loadEnvironments } from '../environments';
import { cdktfCommand } from '../scripts/cdktf-cli';
import { bundleFigures } from './functions';
import { handlerFigures, LARGEST_WAVE, summaryFigures } from './handlers';
import { type PairedTiming, timeAgainstFloor } from './measure';

const ROOT = join(__dirname, '..');
const SERVICE_COUNTS = [20, 50, 500] as const;
const BUDGETS = {
  synth20: 1.0,
  synth20ToCdktf: 4,
  synth500To20: 3,
  npmSynthToApp: 2,
  zipKb: 150,
  coldLoadMs: 80,
  summarize10kMs: 500,
  npmTest: 60,
};

const quick = process.argv.includes('--quick');
const skipTests = process.argv.includes('--skip-tests');
const runs = quick ? 3 : 5;
type Command = [string, string[]];
/** As cdktf.json runs the app: from its cached bundle (scripts/app-bundle/run.js). */
const app = (script: string, ...args: string[]): Command => [
  process.execPath,
  ['scripts/app-bundle/run.js', script, ...args],
];
/** Floors: a bare Node process, one that only loads cdktf, one that loads cdktf and the provider classes. */
const NODE_FLOOR: Command = [process.execPath, ['-e', '0']];
const CDKTF_FLOOR: Command = [process.execPath, ['-e', "require('cdktf')"]];

function line(label: string, value: string, budget = ''): void {
  process.stdout.write(`${label.padEnd(44)} ${value.padStart(12)}  ${budget}\n`);
}
const verdict = (ok: boolean, budget: string) => `${ok ? 'ok' : 'OVER'} (budget ${budget})`;

async function main(): Promise<void> {
  process.stdout.write(
    `bench: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n` +
      'Each process figure is paired run by run with its floor (floor, figure, floor, ...): x = median of the ratios.\n\n',
  );
  const providers = timeAgainstFloor(CDKTF_FLOOR, app('bench/floor.ts'), runs, ROOT);
  line('floor: node -e "require(\'cdktf\')"', `${providers.floor.median.toFixed(2)} s`);
  line('floor: cdktf + the provider classes', `${providers.figure.median.toFixed(2)} s`, `x${providers.ratio} cdktf`);
  const synth: Record<number, PairedTiming> = {};
  for (const services of SERVICE_COUNTS) {
    synth[services] = timeAgainstFloor(
      CDKTF_FLOOR,
      app('bench/synth-app.ts', String(services)),
      services === 500 ? Math.min(runs, 3) : runs,
      ROOT,
    );
    const t = synth[services];
    const budget =
      services === 20
        ? `; ${verdict(t.figure.median <= BUDGETS.synth20, `${BUDGETS.synth20} s`)}, ${verdict(t.ratio <= BUDGETS.synth20ToCdktf, `x${BUDGETS.synth20ToCdktf}`)}`
        : '';
    line(
      `app synth, both stacks, ${services} services each`,
      `${t.figure.median.toFixed(2)} s`,
      `x${t.ratio} cdktf${budget}`,
    );
  }
  // Paired like every other figure: the 20-service synth is the floor of the 500-service one, run in
  // turn, so that load drifting between the rows above does not skew their quotient.
  const paired500 = timeAgainstFloor(
    app('bench/synth-app.ts', '20'),
    app('bench/synth-app.ts', '500'),
    Math.min(runs, 3),
    ROOT,
  );
  const growth = paired500.ratio;
  const ofMedians = Math.round((synth[500]!.figure.median / synth[20]!.figure.median) * 100) / 100;
  line(
    '  500 services against 20 (paired)',
    `x${growth}`,
    `${verdict(growth <= BUDGETS.synth500To20, `x${BUDGETS.synth500To20}`)}; x${ofMedians} from the rows above`,
  );
  const perService = (synth[500]!.figure.median - synth[20]!.figure.median) / 480;
  const predicted50 = synth[20]!.figure.median + 30 * perService;
  line(
    '  growth per service (20 -> 500)',
    `${(perService * 1000).toFixed(1)} ms`,
    `50 predicted ${predicted50.toFixed(2)} s, measured ${synth[50]!.figure.median.toFixed(2)} s`,
  );

  // What the user waits for, against the app alone (cdktf.json's app command), paired run by run.
  const appAlone = app('main.ts');
  const npmSynth = timeAgainstFloor(appAlone, ['npm', ['run', '--silent', 'synth']], runs, ROOT);
  line(
    'npm run synth (end to end)',
    `${npmSynth.figure.median.toFixed(2)} s`,
    `x${npmSynth.ratio} app synth (${npmSynth.floor.median.toFixed(2)} s); ${verdict(npmSynth.ratio <= BUDGETS.npmSynthToApp, `x${BUDGETS.npmSynthToApp}`)}`,
  );
  const cdktfSynth = timeAgainstFloor(appAlone, cdktfCommand('synth'), Math.min(runs, 3), ROOT);
  line(
    `${cdktfCommand('synth').flat().join(' ')} (end to end)`,
    `${cdktfSynth.figure.median.toFixed(2)} s`,
    `x${cdktfSynth.ratio} app synth (${cdktfSynth.floor.median.toFixed(2)} s)`,
  );

  let npmTest: PairedTiming | undefined;
  if (!skipTests) {
    npmTest = timeAgainstFloor(NODE_FLOOR, ['npm', ['test']], 1, ROOT);
    line(
      'npm test',
      `${npmTest.figure.median.toFixed(1)} s`,
      `x${npmTest.ratio} node -e 0 (${npmTest.floor.median.toFixed(2)} s); ${verdict(npmTest.figure.median <= BUDGETS.npmTest, `${BUDGETS.npmTest} s`)}`,
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
    loadAverage: loadavg(),
    floorsSeconds: { cdktf: providers.floor, cdktfAndProviders: providers.figure },
    synthSeconds: {
      byServicesPerEnvironment: synth,
      ratio500To20: growth,
      paired500Against20: paired500,
      msPerService: Math.round(perService * 10000) / 10,
    },
    npmRunSynthAgainstAppSeconds: npmSynth,
    cdktfSynthAgainstAppSeconds: cdktfSynth,
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
