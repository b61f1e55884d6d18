// Both handlers attacked with random and malformed events (fast-check, 1,000 runs each in CI, 250 in a
// local run: support/property-runs.ts), against the
// real 127.0.0.1 Slack stand-in and, for the notifier, an in-memory DynamoDB on 127.0.0.1.
// Invariants: the handler never throws for a bad record, every record is stored for its summary or
// returned in batchItemFailures, nothing secret is logged, every Slack post fits Slack's limits.
import type { SNSEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { AlertDeliveryError, createHandler as alertService } from '../functions/alert-service/handler';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import { readScalingResult } from '../functions/slack-notifier/cloudtrail';
import { WaveStore } from '../functions/slack-notifier/wave-store';
import { startLocalWaveTable, type LocalWaveTable } from '../scripts/local-wave-table';
import { fixture } from './support/alert-service';
import { sqsEventFor } from './support/cloudtrail-events';
import { captureOutput, lambdaContext } from './support/lambda';
import { startFakeSlack, type FakeSlack, WEBHOOK_PATH } from './support/slack-server';
import { slackLimitBreaches } from './support/slack-limits';
import { propertyRuns } from './support/property-runs';
import { CLUSTER, manifestFor, MONDAY_SCALE_UP, waveHandler } from './support/waves';

/** Per handler: CI's count, which must never drop below 1,000. */
const CI_RUNS = 1_000;
const RUNS = propertyRuns(CI_RUNS);
/** Room for 1,000 cases on a loaded 2-core machine (about 30 s of CPU for the notifier's). */
const PROPERTY_TIMEOUT_MS = 300_000;
const SERVICES = ['svc-000', 'svc-001', 'svc-002'];
const SECRET = WEBHOOK_PATH.split('/').pop()!;
const DAY_MS = 86_400_000;

let slack: FakeSlack;
let table: LocalWaveTable;
beforeAll(async () => {
  [slack, table] = await Promise.all([startFakeSlack(), startLocalWaveTable()]);
});
afterAll(() => Promise.all([slack.close(), table.close()]));

/** Every post made since `from`, with what breaks Slack's limits. */
function breachesSince(from: number): string[] {
  return slack.posts.slice(from).flatMap((post) => slackLimitBreaches(post.json));
}

// ---- slack-notifier ------------------------------------------------------------------------------

type Envelope = {
  'detail-type'?: unknown;
  detail: Record<string, unknown> & { requestParameters: Record<string, unknown> };
};
const TEMPLATE = sqsEventFor([{ service: 'svc-000' }]).Records[0]!;
const envelope = () => JSON.parse(TEMPLATE.body) as Envelope;

/** A record body, and whether it is a call of this run's scale-up wave (so it must be stored). */
interface Body {
  body: string;
  ofTheWave: boolean;
}

const eventIdArb = fc.oneof(fc.constantFrom('dup-a', 'dup-b'), fc.uuid());

/** A scale-up call of one of the wave's services, at `wave` + up to 7 minutes (some late, some failed). */
const callArb = fc
  .record({
    service: fc.constantFrom(...SERVICES),
    second: fc.integer({ min: 0, max: 420 }),
    eventId: eventIdArb,
    failed: fc.boolean(),
  })
  .map((c) => (wave: number): Body => {
    const e = envelope();
    e.detail.requestParameters = { cluster: CLUSTER, service: c.service, desiredCount: 1 };
    e.detail.eventID = c.eventId === 'dup-a' || c.eventId === 'dup-b' ? `${c.eventId}-${wave}` : c.eventId;
    e.detail.eventTime = new Date(wave + c.second * 1000).toISOString().replace('.000', '');
    if (c.failed)
      Object.assign(e.detail, {
        errorCode: 'ThrottlingException',
        errorMessage: 'Rate exceeded',
        responseElements: null,
      });
    return { body: JSON.stringify(e), ofTheWave: true };
  });

/** Readable calls that belong to no wave of the manifest: another service, another count, another time. */
const strayCallArb = fc
  .record({
    service: fc.oneof(fc.constant('not-scheduled'), fc.string({ minLength: 1, maxLength: 300 })),
    desiredCount: fc.integer({ min: -5, max: 5000 }),
    hoursLater: fc.integer({ min: 1, max: 20 }),
  })
  .map((c) => (wave: number): Body => {
    const e = envelope();
    e.detail.requestParameters = { cluster: CLUSTER, service: c.service, desiredCount: c.desiredCount };
    e.detail.eventID = `stray-${wave}-${c.hoursLater}-${c.desiredCount}`;
    e.detail.eventTime = new Date(wave + c.hoursLater * 3_600_000).toISOString();
    return { body: JSON.stringify(e), ofTheWave: false };
  });

/** Bodies that are not a readable UpdateService call: each must come back in batchItemFailures. */
const malformedArb = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 10_000, max: 300_000 }).map((n) => `{"detail":"${'x'.repeat(n)}"`),
  fc.constantFrom('detail', 'detail-type', 'eventTime', 'eventID', 'requestParameters', 'userIdentity').map((field) => {
    const e = envelope() as unknown as Record<string, Record<string, unknown>>;
    if (field === 'detail' || field === 'detail-type') delete e[field];
    else delete e.detail![field];
    return JSON.stringify(e);
  }),
  fc
    .constantFrom<[string, unknown]>(['eventTime', 12345], ['requestParameters', 'svc'], ['eventID', { id: 1 }])
    .map(([field, value]) => {
      const e = envelope();
      e.detail[field] = value;
      return JSON.stringify(e);
    }),
  fc
    .constantFrom(['detail-type', 'EC2 Instance State-change Notification'], ['eventName', 'CreateService'])
    .map(([field, value]) => {
      const e = envelope();
      if (field === 'detail-type') e['detail-type'] = value;
      else e.detail.eventName = value;
      return JSON.stringify(e);
    }),
);

const recordArb = fc.oneof(
  { arbitrary: callArb, weight: 5 },
  { arbitrary: strayCallArb, weight: 1 },
  { arbitrary: malformedArb.map((body) => (): Body => ({ body, ofTheWave: false })), weight: 3 },
);

let run = 0;
/** Each run gets its own scale-up wave (a weekday 09:00 KST), so runs do not see each other's results. */
function nextWave(): number {
  const n = run++;
  return MONDAY_SCALE_UP + Math.floor(n / 5) * 7 * DAY_MS + (n % 5) * DAY_MS;
}

function sqsEvent(bodies: Body[]): SQSEvent {
  return {
    Records: bodies.map((b, i): SQSRecord => ({ ...TEMPLATE, messageId: `m-${i}`, body: b.body })),
  };
}

describe('slack-notifier under random and malformed batches', () => {
  const manifest = manifestFor(SERVICES);

  it(
    `keeps every record and breaks no invariant (${RUNS} runs)`,
    async () => {
      const waves = new WaveStore(table.client, table.tableName, 'dev');
      await fc.assert(
        fc.asyncProperty(fc.array(recordArb, { maxLength: 8 }), async (makers) => {
          const wave = nextWave();
          const bodies = makers.map((make) => make(wave));
          const event = sqsEvent(bodies);
          const rig = waveHandler(table, slack.url, manifest, { logger: undefined });
          rig.clock.now = wave + 10 * 60_000;
          const postsBefore = slack.posts.length;
          const output = captureOutput();
          let result;
          try {
            result = await rig.handler(event, lambdaContext('slack-notifier', 30_000));
          } finally {
            output.restore();
          }

          const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
          const stored = new Set(
            (await waves.results({ id: `scale-up@${new Date(wave).toISOString()}`, expiresAt: 0 })).map(
              (r) => r.eventId,
            ),
          );
          event.Records.forEach((record, i) => {
            if (failed.has(record.messageId)) return;
            // Not returned: it must be a readable call, and a call of the wave must be stored for its summary.
            const read = readScalingResult(record.body);
            if (bodies[i]!.ofTheWave) expect(stored.has(read.eventId)).toBe(true);
          });
          expect(output.text()).not.toContain(SECRET);
          expect(breachesSince(postsBefore)).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

// ---- alert-service -------------------------------------------------------------------------------

const alarm = () => JSON.parse(fixture('aurora-cpu-alarm').Records[0]!.Sns.Message) as Record<string, unknown>;

const messageArb = fc.oneof(
  fc.constant(JSON.stringify(alarm())),
  fc
    .record({
      key: fc.constantFrom(
        'AlarmName',
        'NewStateValue',
        'NewStateReason',
        'StateChangeTime',
        'Region',
        'Trigger',
        'AlarmDescription',
      ),
      value: fc.oneof(fc.string({ maxLength: 50 }), fc.integer(), fc.constant(null), fc.jsonValue({ maxDepth: 2 })),
    })
    .map(({ key, value }) => JSON.stringify({ ...alarm(), [key]: value })),
  fc.string({ maxLength: 300 }),
  fc.integer({ min: 5_000, max: 200_000 }).map((n) => 'y'.repeat(n)),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
);

const snsRecordArb = fc
  .record({ message: messageArb, subject: fc.oneof(fc.constant(null), fc.string({ maxLength: 400 })) })
  .map(({ message, subject }) => {
    const record = structuredClone(fixture('aurora-cpu-alarm').Records[0]!);
    (record.Sns as { Message: string; Subject: string | null }).Message = message;
    (record.Sns as { Message: string; Subject: string | null }).Subject = subject;
    return record;
  });

const snsEventArb: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.array(snsRecordArb, { maxLength: 4 }).map((Records): SNSEvent => ({ Records })), weight: 8 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 1 },
  {
    arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { minLength: 1, maxLength: 3 }).map((Records) => ({ Records })),
    weight: 1,
  },
);

describe('alert-service under random and malformed events', () => {
  it(
    `delivers every record or fails the invocation as a whole, and breaks no invariant (${RUNS} runs)`,
    async () => {
      slack.answer({ status: 200 });
      const handler = alertService({
        webhookUrl: fixedWebhookUrl(slack.url),
        settings: { environment: 'dev', displayTimeZone: 'Asia/Seoul' },
      });
      await fc.assert(
        fc.asyncProperty(snsEventArb, async (event) => {
          const postsBefore = slack.posts.length;
          const output = captureOutput();
          let outcome: { value?: { records: number; delivered: number }; error?: unknown };
          try {
            outcome = await handler(event as SNSEvent, lambdaContext('ott-alert-service-dev', 30_000)).then(
              (value) => ({ value }),
              (error: unknown) => ({ error }),
            );
          } finally {
            output.restore();
          }
          if (outcome.error !== undefined) {
            // Reported, not dropped: Lambda retries the event, then keeps it in the failures queue.
            expect(outcome.error).toBeInstanceOf(AlertDeliveryError);
          } else {
            const records = Array.isArray((event as SNSEvent | undefined)?.Records)
              ? (event as SNSEvent).Records.length
              : 1;
            expect(outcome.value).toEqual({ records, delivered: records });
            expect(slack.posts.length - postsBefore).toBe(records);
          }
          expect(output.text()).not.toContain(SECRET);
          expect(breachesSince(postsBefore)).toEqual([]);
        }),
        { numRuns: RUNS },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('the property counts', () => {
  it(`run ${CI_RUNS} cases per handler in CI, and never fewer`, () => {
    expect(CI_RUNS).toBeGreaterThanOrEqual(1_000);
    expect(propertyRuns(CI_RUNS, { CI: 'true' })).toBe(CI_RUNS);
    expect(propertyRuns(CI_RUNS, { PROPERTY_RUNS: 'full' })).toBe(CI_RUNS);
    expect(RUNS).toBe(propertyRuns(CI_RUNS));
  });
});
