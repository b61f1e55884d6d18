// The fault matrix (issue 22): every single fault x a wave, a late wave and an alarm, driven with SQS's
// and Lambda's redelivery (support/fault-world.ts). A fault is one DynamoDB call, each in turn from the
// first call of the run to the last of its second invocation (the one after the post: later ones only
// repeat it), refused (throttled), the invocation dying at it, or applied with its answer lost; with
// Slack taking every post, or taking every post and dropping every answer. Whatever
// the cell: at most 2 copies of any message in the channel, every copy after the first marked "may
// repeat", and nothing lost (each message is in the channel at least once). Without faults, concurrent
// duplicates of a close, an alarm or a batch give no Errors-alarm data point. `npm run test:quick` runs a
// random quarter of the faulty cells, as it runs a quarter of the property cases; `npm test` runs all.
import { startLocalDeliveriesTable, startLocalWaveTable, type LocalWaveTable } from '../scripts/local-wave-table';
import { copies, duplicates, type DynamoFault, type Fault, runAlarm, runWave } from './support/fault-world';
import { type FakeSlack, type ScriptedAnswer, startFakeSlack } from './support/slack-server';
import { QUICK_TIER } from './support/tiers';

/** All cells, or in the quick tier a random quarter of them (never fewer than one). */
function cellsToRun<T>(cells: T[]): T[] {
  if (!QUICK_TIER) return cells;
  return [...cells].sort(() => Math.random() - 0.5).slice(0, Math.max(1, Math.ceil(cells.length / 4)));
}

let waves: LocalWaveTable;
let deliveries: LocalWaveTable;
beforeAll(async () => {
  [waves, deliveries] = await Promise.all([startLocalWaveTable(), startLocalDeliveriesTable()]);
});
afterAll(() => Promise.all([waves.close(), deliveries.close()]));

const SLACK: Record<string, ScriptedAnswer> = {
  'Slack takes every post': { status: 200 },
  'Slack takes every post and drops every answer': { status: 200, drop: true },
};
/** Per Slack mode, the kinds of fault: the slow drop mode with the two the issue names. */
const KINDS: Record<string, DynamoFault[]> = {
  'Slack takes every post': ['throttled', 'crash', 'answer lost'],
  'Slack takes every post and drops every answer': ['throttled', 'crash'],
};
/** Cells run side by side, each with its own Slack stand-in and its own items in the shared tables. */
const CONCURRENT_CELLS = 8;
let cell = 0;

/** What is wrong with the channel after a run, as sentences ([] when nothing is). */
function violations(label: string, slack: FakeSlack, mustShow: string[]): string[] {
  const found: string[] = [];
  const messages = copies(slack);
  for (const m of messages) {
    const shown = m.message.slice(0, 100);
    if (m.copies > 2) found.push(`${label}: ${m.copies} copies of ${shown}`);
    if (!m.laterNoted) found.push(`${label}: a later copy of ${shown} does not say it may repeat`);
  }
  if (!messages.some((m) => mustShow.every((text) => m.message.includes(text)))) {
    found.push(`${label}: lost (no message showing ${mustShow.join(', ')})`);
  }
  return found;
}

/** Runs one cell against a Slack stand-in of its own; its violations. */
async function inCell(
  answer: ScriptedAnswer,
  run: (slack: FakeSlack, name: string) => Promise<{ calls: number; callsAfter: number[] }>,
  label: string,
  mustShow: (name: string) => string[],
): Promise<{ problems: string[]; calls: number; callsAfter: number[] }> {
  const slack = await startFakeSlack();
  try {
    slack.answer(answer);
    const name = `cell${(cell += 1)}`;
    const { calls, callsAfter } = await run(slack, name);
    return { problems: violations(label, slack, mustShow(name)), calls, callsAfter };
  } finally {
    await slack.close();
  }
}

/** The run without a fault (how many DynamoDB calls it makes), then one run per call x kind of fault. */
async function matrix(
  mode: string,
  answer: ScriptedAnswer,
  run: (slack: FakeSlack, name: string, fault?: Fault) => Promise<{ calls: number; callsAfter: number[] }>,
  mustShow: (name: string) => string[],
): Promise<string[]> {
  const clean = await inCell(answer, (slack, name) => run(slack, name), 'no fault', mustShow);
  const last = clean.callsAfter[1] ?? clean.calls;
  const cells = cellsToRun(
    Array.from({ length: last }, (_, i) => KINDS[mode]!.map((kind) => ({ at: i + 1, kind }))).flat(),
  );
  const problems = [...clean.problems];
  for (let i = 0; i < cells.length; i += CONCURRENT_CELLS) {
    const round = await Promise.all(
      cells
        .slice(i, i + CONCURRENT_CELLS)
        .map((fault) =>
          inCell(answer, (slack, name) => run(slack, name, fault), `call ${fault.at} ${fault.kind}`, mustShow),
        ),
    );
    problems.push(...round.flatMap((r) => r.problems));
  }
  return problems;
}

describe.each(Object.entries(SLACK))('%s', (mode, answer) => {
  it.each([
    ['a wave', false],
    ['a late wave', true],
  ])('%s: a fault at every DynamoDB call, of every kind', async (_what, late) => {
    const problems = await matrix(
      mode,
      answer,
      (slack, name, fault) => runWave(waves, slack, name, { late, ...(fault ? { fault } : {}) }),
      (name) => [name, 'api', 'worker'],
    );
    expect(problems).toEqual([]);
  });

  it('an alarm: a fault at every DynamoDB call, of every kind', async () => {
    const problems = await matrix(
      mode,
      answer,
      (slack, name, fault) => runAlarm(deliveries, slack, name, fault),
      () => ['OTT-Aurora-Cluster-CPU-Utilization-High'],
    );
    expect(problems).toEqual([]);
  });
});

describe('without faults, concurrent duplicates', () => {
  it('of a batch, of the deadline close and of an alarm: one summary, one alarm, no Errors-alarm data point', async () => {
    const slack = await startFakeSlack();
    try {
      slack.answer({ status: 200, delayMs: 200 });
      const errors = await duplicates(waves, deliveries, slack, `dup${(cell += 1)}`);
      expect(errors).toEqual([]);
      expect(copies(slack).map((m) => m.copies)).toEqual([1, 1]);
    } finally {
      await slack.close();
    }
  });
});
