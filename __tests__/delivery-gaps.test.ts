// The delivery gaps of issue 22, each injected as measured there, against the real handlers, the local
// Slack (support/slack-server.ts) and dynalite (moto too, where the issue measured both):
// 1. a multi-part summary whose first part Slack took is not posted again, and a part that may repeat
//    says so; 2. no third copy when the write after two maybe-posts fails or the invocation dies there;
// 4. duplicate closes and alarms that find their message being posted end quietly, not as errors;
// 5. a permanent Slack refusal on the SQS path is counted for the operations alarm at once; implausible
//    event times are reported; an implausible close is refused with one log line; clocks 90 s apart
//    give one summary.
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { createHandler as alertService } from '../functions/alert-service/handler';
import { MAY_REPEAT_NOTE } from '../functions/shared/repeat-note';
import { SLACK_REFUSAL_METRIC } from '../functions/shared/slack-refusal';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import { startLocalDeliveriesTable, startLocalWaveTable, type LocalWaveTable } from '../scripts/local-wave-table';
import { fixture } from './support/alert-service';
import { type CallSpec, sqsEventFor } from './support/cloudtrail-events';
import { steadyEcs } from './support/ecs';
import { testEnvironment } from './support/environment-builder';
import { matrixManifest, NOMINAL } from './support/fault-world';
import { capturing, lambdaContext } from './support/lambda';
import { startMotoTables, type MotoTables } from './support/moto';
import { QUICK_TIER } from './support/tiers';
import { type FakeSlack, inChannel, readableText, startFakeSlack } from './support/slack-server';
import { resourceOf, synthJson } from './support/synth';
import { createHandler as notifier, type HandlerDeps } from '../functions/slack-notifier/handler';
import type { WaveManifest } from '../functions/slack-notifier/waves';
import type { SQSBatchResponse } from 'aws-lambda';

const context = (remainingMs = 10_000) => lambdaContext('notifier', remainingMs);
const VISIBILITY_MS = 660_000;
const CLOSE = {
  closeWave: { action: 'scale-up', scheduledTime: new Date(NOMINAL + 20 * 60_000).toISOString() },
} as const;
const calls = (services: string[], extra: Partial<CallSpec> = {}): CallSpec[] =>
  services.map((service, i) => ({
    service,
    cluster: 'apps',
    atSecond: 60 + (i % 240),
    eventId: `evt-${service}`,
    messageId: `msg-${service}`,
    ...extra,
  }));
const noted = (slack: FakeSlack) => inChannel(slack.posts).map((post) => post.body.includes(MAY_REPEAT_NOTE));

const failedIds = (response: SQSBatchResponse) => response.batchItemFailures.map((f) => f.itemIdentifier);

/** The notifier of environment "qa" on a waves table and the local Slack, silent, with a fake clock. */
function waveHandler(waves: LocalWaveTable, slackUrl: string, manifest: WaveManifest, deps: HandlerDeps = {}) {
  const clock = { now: NOMINAL };
  const handler = notifier({
    webhookUrl: fixedWebhookUrl(slackUrl),
    settings: { environment: 'qa', timeZone: 'Asia/Seoul', tableName: waves.tableName },
    delivery: { baseBackoffMs: 5, maxBackoffMs: 10 },
    manifest,
    dynamodb: waves.client,
    now: () => clock.now,
    logger: new Logger({ logLevel: 'SILENT' }),
    ecs: steadyEcs(),
    ...deps,
  });
  return { handler, clock };
}

let runs = 0;
let table: LocalWaveTable;
let deliveries: LocalWaveTable;
let slack: FakeSlack;
beforeEach(async () => {
  [table, deliveries, slack] = await Promise.all([
    startLocalWaveTable(),
    startLocalDeliveriesTable(),
    startFakeSlack(),
  ]);
});
afterEach(() => Promise.all([table.close(), deliveries.close(), slack.close()]));

/** A client whose first call matching `at` fails as throttled (or never returns: the invocation dies). */
function failOnce(client: DynamoDBClient, at: (input: Record<string, unknown>) => boolean, crash = false) {
  let done = false;
  let signal: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => (signal = resolve));
  const send = (command: { input: Record<string, unknown> }) => {
    if (!done && at(command.input)) {
      done = true;
      signal();
      if (crash) return new Promise<never>(() => undefined);
      return Promise.reject(new ProvisionedThroughputExceededException({ message: 'Rate exceeded', $metadata: {} }));
    }
    return client.send(command as never);
  };
  return { client: { send } as unknown as DynamoDBClient, reached };
}
/** The write after a failed post: gives the claim back (and, before issue 22, counted the maybe-posts). */
const isRelease = (input: Record<string, unknown>) => String(input.UpdateExpression).startsWith('REMOVE #lease');

describe('1. a summary in several parts', () => {
  // 500 services failing with long errors: the failures alone fill more than one message.
  const services = Array.from({ length: 500 }, (_, i) => `service-${String(i).padStart(3, '0')}`);
  const manifest = matrixManifest(services);
  const error = { code: 'InvalidParameterException', message: 'The task definition is invalid: '.padEnd(400, 'x') };
  const wave = (receiveCount: number) => sqsEventFor(calls(services, { error, receiveCount }));
  const part = (n: number) => inChannel(slack.posts).filter((post) => readableText(post).includes(`(part ${n}/`));

  it('Slack took part 1 and refused part 2: the retry posts part 2 only', async () => {
    slack.answer({ status: 200 }, { status: 500, body: 'internal_error' });
    const rig = waveHandler(table, slack.url, manifest, { delivery: { maxAttempts: 1 } });
    rig.clock.now = NOMINAL + 6 * 60_000;
    expect(failedIds(await rig.handler(wave(1), context(30_000)))).toHaveLength(500);
    expect(part(1)).toHaveLength(1);

    slack.answer({ status: 200 });
    rig.clock.now += VISIBILITY_MS;
    expect(failedIds(await rig.handler(wave(2), context(30_000)))).toEqual([]);

    expect(readableText(inChannel(slack.posts)[0]!)).toContain('(part 1/2)');
    expect([part(1).length, part(2).length]).toEqual([1, 1]);
    expect(noted(slack)).toEqual([false, false]);
  });

  it('part 2 sent without an answer, then refused: the retry posts part 2 once more, saying it may repeat, and not part 1', async () => {
    slack.answer({ status: 200 }, { status: 200, drop: true }, { status: 500, body: 'internal_error' });
    const rig = waveHandler(table, slack.url, manifest, { delivery: { maxAttempts: 2, baseBackoffMs: 1 } });
    rig.clock.now = NOMINAL + 6 * 60_000;
    expect(failedIds(await rig.handler(wave(1), context(30_000)))).toHaveLength(500);

    slack.answer({ status: 200 });
    rig.clock.now += VISIBILITY_MS;
    expect(failedIds(await rig.handler(wave(2), context(30_000)))).toEqual([]);

    expect([part(1).length, part(2).length]).toEqual([1, 2]);
    expect(part(2).map((post) => post.body.includes(MAY_REPEAT_NOTE))).toEqual([false, true]);
  });
});

// moto_server is a process: the quick tier runs these on dynalite alone (support/tiers.ts).
const BACKENDS: [string, () => MotoTables | undefined][] = [
  ['dynalite', () => undefined],
  ...(QUICK_TIER ? [] : [['moto', (): MotoTables | undefined => moto] as [string, () => MotoTables | undefined]]),
];
describe.each(BACKENDS)('2. no third copy (%s)', (_backend, backend: () => MotoTables | undefined) => {
  const waveTable = () => backend()?.waves ?? table;
  const alarmTable = () => backend()?.deliveries ?? deliveries;

  it.each([
    ['fails once (throttled)', false],
    ['is where the invocation dies', true],
  ])(
    'slack-notifier: Slack drops every answer and the write after the 2 maybe-posts %s: 2 copies in all',
    async (_, crash) => {
      slack.answer({ status: 200, drop: true });
      const base = waveTable();
      const run = { now: NOMINAL + 2 * 60_000 };
      const wave = (receiveCount: number) => sqsEventFor(calls(['api', 'worker'], { receiveCount }));
      // The first receive: 2 copies, then its release fails (or never returns).
      const failing = failOnce(base.client, isRelease, crash);
      // moto keeps its tables for the whole file: each test's wave is of its own environment.
      const settings = { environment: `qa${(runs += 1)}`, timeZone: 'Asia/Seoul', tableName: base.tableName };
      const first = waveHandler(base, slack.url, matrixManifest(), { dynamodb: failing.client, settings });
      first.clock.now = run.now;
      const invocation = first.handler(wave(1), context());
      if (!crash) expect(failedIds(await invocation)).toHaveLength(2);
      else await failing.reached;
      expect(inChannel(slack.posts)).toHaveLength(2);
      // Received twice more, then the deadline close and Lambda's 2 retries.
      const rest = waveHandler(base, slack.url, matrixManifest(), { holderWaitMs: 200, settings });
      for (let receive = 2; receive <= 3; receive++) {
        rest.clock.now = run.now + (receive - 1) * VISIBILITY_MS;
        await rest.handler(wave(receive), context());
      }
      for (let attempt = 0; attempt < 3; attempt++) {
        rest.clock.now = NOMINAL + (20 + attempt * 3) * 60_000;
        await rest.handler(CLOSE, context()).catch(() => undefined);
      }
      expect(inChannel(slack.posts)).toHaveLength(2);
      expect(noted(slack)).toEqual([false, true]);
    },
  );

  it.each([
    ['fails once (throttled)', false],
    ['is where the invocation dies', true],
  ])(
    'alert-service: Slack drops every answer and the write after the 2 maybe-posts %s: 2 copies in all',
    async (_, crash) => {
      slack.answer({ status: 200, drop: true });
      const base = alarmTable();
      const clock = { now: NOMINAL };
      const handler = (dynamodb: DynamoDBClient) =>
        alertService({
          webhookUrl: fixedWebhookUrl(slack.url),
          settings: { environment: 'qa', displayTimeZone: 'Asia/Seoul', deliveriesTable: base.tableName },
          delivery: { baseBackoffMs: 5, maxBackoffMs: 10 },
          dynamodb,
          now: () => clock.now,
          logger: new Logger({ logLevel: 'SILENT' }),
          onRejected: () => undefined,
          holderWaitMs: 200,
        });
      const event: SNSEvent = fixture('aurora-cpu-alarm');
      (event.Records[0]!.Sns as { MessageId: string }).MessageId = `alarm-${String(crash)}-${_backend}`;
      const failing = failOnce(base.client, isRelease, crash);
      const first = handler(failing.client)(event, context());
      if (!crash) await expect(first).rejects.toThrow(/may have posted/);
      else await failing.reached;
      expect(inChannel(slack.posts)).toHaveLength(2);
      // Lambda's 2 retries, a minute after the timeout and 2 minutes after that.
      for (const gap of [70_000, 190_000]) {
        clock.now = NOMINAL + gap;
        await handler(base.client)(event, context()).catch(() => undefined);
      }
      expect(inChannel(slack.posts)).toHaveLength(2);
      expect(noted(slack)).toEqual([false, true]);
    },
  );
});

let moto: MotoTables | undefined;
beforeAll(async () => {
  if (!QUICK_TIER) moto = await startMotoTables();
}, 60_000);
afterAll(() => moto?.close());

describe('4. duplicates that find their message being posted', () => {
  it('5 concurrent duplicate closes of one wave: one summary, none fails', async () => {
    slack.answer({ status: 200, delayMs: 300 });
    const rig = waveHandler(table, slack.url, matrixManifest());
    rig.clock.now = NOMINAL + 20 * 60_000;
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => rig.handler(CLOSE, context())));
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(inChannel(slack.posts)).toHaveLength(1);
  });

  it('3 concurrent deliveries of one SNS message: one alarm, none fails', async () => {
    slack.answer({ status: 200, delayMs: 300 });
    const handler = alertService({
      webhookUrl: fixedWebhookUrl(slack.url),
      settings: { environment: 'qa', displayTimeZone: 'Asia/Seoul', deliveriesTable: deliveries.tableName },
      dynamodb: deliveries.client,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3 }, () => handler(fixture('aurora-cpu-alarm'), context())),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(inChannel(slack.posts)).toHaveLength(1);
  });
});

describe('5. late signals', () => {
  it('a revoked webhook on the SQS path is counted at once in the metric the operations alarm watches', async () => {
    slack.answer({ status: 404, body: 'no_service' });
    const rig = waveHandler(table, slack.url, matrixManifest(), { logger: undefined });
    rig.clock.now = NOMINAL + 6 * 60_000;
    const { result, output } = await capturing(() => rig.handler(sqsEventFor(calls(['api', 'worker'])), context()));
    expect(failedIds(result)).toHaveLength(2);

    const emf = output.lines().filter((line) => line._aws !== undefined);
    expect(emf).toHaveLength(1);
    expect(emf[0]).toMatchObject({
      [SLACK_REFUSAL_METRIC.name]: 1,
      service: 'slack-notifier',
      environment: 'qa',
      _aws: {
        CloudWatchMetrics: [{ Namespace: SLACK_REFUSAL_METRIC.namespace, Dimensions: [['service', 'environment']] }],
      },
    });
    // The alarm of the stack watches exactly that metric, each minute, and tells the operations topic.
    const json = synthJson(testEnvironment());
    expect(resourceOf(json, 'aws_cloudwatch_metric_alarm', 'slack_notifier_function_slack_refused')).toMatchObject({
      namespace: SLACK_REFUSAL_METRIC.namespace,
      metric_name: SLACK_REFUSAL_METRIC.name,
      dimensions: { service: 'slack-notifier', environment: 'qa' },
      period: 60,
      threshold: 1,
      alarm_actions: ['${aws_sns_topic.operations_topic.arn}'],
    });
    expect(resourceOf(json, 'aws_cloudwatch_metric_alarm', 'cloudwatch_alert_service_slack_refused')).toMatchObject({
      dimensions: { service: 'alert-service', environment: 'qa' },
    });
  });

  it.each([
    ['in 2099', Date.UTC(2099, 0, 5, 0, 1)],
    ['before this notifier existed', Date.UTC(2025, 0, 6, 0, 1)],
    ['older than the queues keep a record', NOMINAL - 30 * 24 * 3600_000],
  ])('a call %s is posted, marked implausible, not filed into a wave no deadline closes', async (_, at) => {
    const rig = waveHandler(table, slack.url, matrixManifest());
    rig.clock.now = NOMINAL + 6 * 60_000;
    const event = sqsEventFor([
      { service: 'api', cluster: 'apps', atSecond: (at - NOMINAL) / 1000, eventId: 'evt-odd' },
    ]);
    expect(failedIds(await rig.handler(event, context()))).toEqual([]);
    expect(inChannel(slack.posts)).toHaveLength(1);
    expect(readableText(slack.posts[0]!)).toMatch(/ECS Scaling outside the schedule[\s\S]*Implausible time/);
  });

  it('a close with scheduledTime 1970 is refused with one log line, posting nothing', async () => {
    const rig = waveHandler(table, slack.url, matrixManifest(), { logger: undefined });
    rig.clock.now = NOMINAL + 20 * 60_000;
    const { result, output } = await capturing(() =>
      rig.handler({ closeWave: { action: 'scale-up', scheduledTime: '1970-01-01T00:20:00Z' } }, context()),
    );
    expect(result).toMatchObject({ posted: false, refused: expect.stringMatching(/older than 7 days/) });
    expect(output.lines().filter((line) => line.level !== 'INFO' && line.level !== 'DEBUG')).toHaveLength(1);
    expect(slack.posts).toHaveLength(0);
  });

  it('two invocations whose clocks are 90 s apart complete the same wave: one summary', async () => {
    slack.answer({ status: 200, delayMs: 1_500 });
    const behind = waveHandler(table, slack.url, matrixManifest());
    const ahead = waveHandler(table, slack.url, matrixManifest());
    behind.clock.now = NOMINAL + 6 * 60_000;
    ahead.clock.now = behind.clock.now + 90_000 + 10_000;
    const wave = sqsEventFor(calls(['api', 'worker']));
    const first = behind.handler(wave, context());
    await slack.received(1); // its post is under way (Slack answers it 1.5 s later)
    const second = await ahead.handler(wave, context());
    expect(failedIds(await first)).toEqual([]);
    // The other invocation's records come back later and find the wave posted.
    ahead.clock.now += VISIBILITY_MS;
    expect(
      failedIds(
        await ahead.handler(
          { Records: wave.Records.filter((r) => failedIds(second).includes(r.messageId)) },
          context(),
        ),
      ),
    ).toEqual([]);
    expect(inChannel(slack.posts)).toHaveLength(1);
  });
});
