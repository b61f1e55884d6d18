// One Slack summary per wave, against a real DynamoDB-compatible server (dynalite, in memory, on
// 127.0.0.1) and a real local Slack: waves delivered as random, concurrent, repeated batches; waves
// closed at their deadline; late results; calls of no wave. POSTs are counted, never just logged.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { LocalWaveTable } from '../scripts/local-wave-table';
import { type CallSpec, sqsEventFor } from './support/cloudtrail-events';
import { type FakeSlack, readableText, refusedUrl } from './support/slack-server';
import { WaveStore } from '../functions/slack-notifier/wave-store';
import {
  failedIds,
  freshWaveServers,
  manifestFor,
  MONDAY_SCALE_UP,
  notifierContext as context,
  SCALE_UP_WAVE,
  seededRandom,
  serviceNames,
  waveHandler,
} from './support/waves';

let table: LocalWaveTable;
let slack: FakeSlack;
freshWaveServers((t, s) => ([table, slack] = [t, s]));

const close = (action: 'scale-up' | 'scale-down', minutesAfter: number, nominal = MONDAY_SCALE_UP) => ({
  closeWave: { action, scheduledTime: new Date(nominal + minutesAfter * 60_000).toISOString() },
});
const text = (index = 0) => readableText(slack.posts[index]!);

/** One call per service of the wave, in order, `spacing` seconds apart. */
function waveCalls(services: string[], spacing = 5): CallSpec[] {
  return services.map((service, i) => ({
    service,
    atSecond: i * spacing,
    eventId: `evt-${service}`,
    messageId: `msg-${service}`,
  }));
}

describe('a 50-service wave in random, concurrent, repeated batches over 10 minutes', () => {
  const services = serviceNames(50);
  const manifest = manifestFor(services);

  /**
   * SQS and the event source mapping, simulated: each call arrives 0-5 min after it was made
   * (CloudTrail delay); every 30 s the pollers take what has arrived in 1-3 random batches, run
   * concurrently; records returned in batchItemFailures come back after the visibility timeout.
   */
  async function deliver(seed: number, calls: CallSpec[], rig: ReturnType<typeof waveHandler>) {
    const random = seededRandom(seed);
    let queue = calls.map((call) => ({ call, at: (call.atSecond ?? 0) + Math.floor(random() * 300) }));
    let invocations = 0;
    for (let second = 0; queue.length > 0 && second < 7200; second += 30) {
      const ready = queue.filter((d) => d.at <= second).sort(() => random() - 0.5);
      if (ready.length === 0) continue;
      queue = queue.filter((d) => d.at > second);
      const parts = 1 + Math.floor(random() * 3);
      const batches = Array.from({ length: parts }, (_, p) => ready.filter((_, i) => i % parts === p)).filter(
        (batch) => batch.length > 0,
      );
      rig.clock.now = MONDAY_SCALE_UP + second * 1000;
      const responses = await Promise.all(
        batches.map((batch) => rig.handler(sqsEventFor(batch.map((d) => d.call)), context())),
      );
      invocations += batches.length;
      const failed = new Set(responses.flatMap(failedIds));
      for (const d of ready) if (failed.has(d.call.messageId!)) queue.push({ ...d, at: second + 660 });
    }
    expect(queue).toEqual([]);
    return invocations;
  }

  it.each([1, 2, 3, 4, 5])('seed %i: exactly one POST, listing all 50 services, the failure counted', async (seed) => {
    const random = seededRandom(seed * 7919);
    const calls: CallSpec[] = services.map((service, i) => ({
      service,
      atSecond: Math.floor(random() * 300),
      eventId: `evt-${service}`,
      messageId: `msg-${service}`,
      ...(i === 17 ? { error: { code: 'ServiceNotActiveException', message: 'Service was not ACTIVE.' } } : {}),
    }));
    // SQS delivers at least once: ten calls arrive twice, in messages of their own.
    const repeats = calls.slice(0, 10).map((call) => ({ ...call, messageId: `${call.messageId}-again` }));
    const rig = waveHandler(table, slack.url, manifest);

    const invocations = await deliver(seed, [...calls, ...repeats], rig);

    expect(invocations).toBeGreaterThan(3);
    expect(slack.posts).toHaveLength(1);
    for (const service of services) expect(text()).toContain(service);
    expect(text()).toContain('49 succeeded, 1 failed');
    expect(text()).toContain('`svc-017` (terraform-study-dev-cluster): ServiceNotActiveException');
    expect(text()).toContain('*Wave:* Scale-up 09:00 KST, Mon 2026-11-23');
    expect(text()).not.toContain('No UpdateService call seen');
    expect(text().match(/svc-003\s+│/g)).toHaveLength(1);

    // The deadline finds the wave posted: no second message.
    rig.clock.now = MONDAY_SCALE_UP + 20 * 60_000;
    expect(await rig.handler(close('scale-up', 20), context())).toEqual({
      wave: SCALE_UP_WAVE,
      posted: false,
      reported: 50,
      missing: 0,
    });
    expect(slack.posts).toHaveLength(1);
  });
});

describe('two invocations completing the same wave at the same moment', () => {
  it.each(Array.from({ length: 8 }, (_, i) => i))('round %i: one POST', async (round) => {
    const services = serviceNames(20);
    const rig = waveHandler(table, slack.url, manifestFor(services));
    const calls = waveCalls(services);
    expect(await rig.handler(sqsEventFor(calls.slice(0, 18)), context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(0);

    // Both carry both last services (one as a retried call with its own eventID).
    const first = sqsEventFor(calls.slice(18));
    const second = sqsEventFor(
      calls.slice(18).map((call, i) => ({ ...call, eventId: `${call.eventId}-retry`, messageId: `retry-${i}` })),
    );
    const [a, b] = await Promise.all(
      round % 2 === 0
        ? [rig.handler(first, context()), rig.handler(second, context())]
        : [rig.handler(second, context()), rig.handler(first, context())],
    );

    expect(slack.posts).toHaveLength(1);
    // A record whose wave was being posted returns to the queue; received again, it changes nothing.
    const returned = [...first.Records, ...second.Records].filter((r) =>
      [...failedIds(a), ...failedIds(b)].includes(r.messageId),
    );
    if (returned.length > 0) {
      expect(await rig.handler({ Records: returned }, context())).toEqual({ batchItemFailures: [] });
    }
    expect(slack.posts).toHaveLength(1);
    expect(text()).toContain('22 succeeded, 0 failed');
  });
});

describe('the deadline', () => {
  const services = serviceNames(20);
  const manifest = manifestFor(services);

  it('posts a wave with two services missing once, naming both as "no UpdateService call seen"', async () => {
    const rig = waveHandler(table, slack.url, manifest);
    const calls = waveCalls(services).filter((call) => !['svc-004', 'svc-011'].includes(call.service));
    expect(await rig.handler(sqsEventFor(calls), context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(0);

    rig.clock.now = MONDAY_SCALE_UP + 20 * 60_000;
    expect(await rig.handler(close('scale-up', 20), context())).toEqual({
      wave: SCALE_UP_WAVE,
      posted: true,
      reported: 18,
      missing: 2,
    });
    expect(slack.posts).toHaveLength(1);
    const missing = text().slice(text().indexOf('*🚫 No UpdateService call seen*'));
    expect(missing).toContain('• `svc-004` (terraform-study-dev-cluster)\n• `svc-011` (terraform-study-dev-cluster)');
    expect(text()).toContain('18 succeeded, 0 failed, 2 with no call seen');
    expect(text()).toMatch(/^⚠️ ECS Scheduled Scaling Summary: dev \(Scale-up 09:00 KST, Mon 2026-11-23\)/);

    // Scheduler retries, or a second close: the wave is posted already.
    expect(await rig.handler(close('scale-up', 21), context())).toMatchObject({ posted: false });
    expect(slack.posts).toHaveLength(1);
  });

  it('posts a wave no schedule fired for, listing every service: a silent scheduler becomes visible', async () => {
    const rig = waveHandler(table, slack.url, manifest);
    rig.clock.now = MONDAY_SCALE_UP + 20 * 60_000;
    expect(await rig.handler(close('scale-up', 20), context())).toMatchObject({
      posted: true,
      reported: 0,
      missing: 20,
    });
    expect(slack.posts).toHaveLength(1);
    expect(text()).toMatch(/^❌ ECS Scheduled Scaling Summary/);
    for (const service of services) expect(text()).toContain(`\`${service}\``);
  });

  it('posts a result that arrives after the deadline in one follow-up, once', async () => {
    const rig = waveHandler(table, slack.url, manifest);
    const calls = waveCalls(services);
    await rig.handler(sqsEventFor(calls.slice(0, 19)), context());
    rig.clock.now = MONDAY_SCALE_UP + 20 * 60_000;
    await rig.handler(close('scale-up', 20), context());
    expect(slack.posts).toHaveLength(1);

    rig.clock.now = MONDAY_SCALE_UP + 26 * 60_000;
    // Called at 09:19 (a Scheduler retry: they end by the deadline), recorded after the deadline closed the wave.
    const late = sqsEventFor([{ ...calls[19]!, atSecond: 19 * 60 }]);
    expect(await rig.handler(late, context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(2);
    expect(text(1)).toMatch(/^✅ ECS Scaling, late results: dev \(Scale-up 09:00 KST, Mon 2026-11-23\): 1 succeeded/);
    expect(text(1)).toContain('its summary was posted before these arrived');
    expect(text(1)).toMatch(/svc-019\s+│ Scale Up \(→1\)/);
    expect(text(1)).not.toContain('svc-018');

    // The same late call delivered again, and an old repeat of a posted one: nothing new to say.
    expect(await rig.handler(sqsEventFor([calls[19]!, calls[3]!]), context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(2);
  });

  it('closes the scale-down wave by its own time', async () => {
    const rig = waveHandler(table, slack.url, manifest);
    const evening = MONDAY_SCALE_UP + 9 * 3600_000; // 18:00 KST
    const calls = waveCalls(services).map((call) => ({
      ...call,
      desiredCount: 0,
      atSecond: 9 * 3600 + (call.atSecond ?? 0),
    }));
    rig.clock.now = evening + 10 * 60_000;
    await rig.handler(sqsEventFor(calls.slice(1)), context());
    rig.clock.now = evening + 20 * 60_000;
    expect(await rig.handler(close('scale-down', 20, evening), context())).toEqual({
      wave: 'scale-down@2026-11-23T09:00:00.000Z',
      posted: true,
      reported: 19,
      missing: 1,
    });
    expect(text()).toContain('*Wave:* Scale-down 18:00 KST, Mon 2026-11-23');
    expect(text()).toMatch(/svc-005\s+│ Scale Down \(→0\)/);
  });

  it('fails (for Lambda to retry) when Slack refuses, and posts once on the retry', async () => {
    slack.answer({ status: 500, body: 'internal_error' });
    const rig = waveHandler(table, slack.url, manifest, {
      delivery: { baseBackoffMs: 1, maxBackoffMs: 2, maxAttempts: 2 },
    });
    rig.clock.now = MONDAY_SCALE_UP + 20 * 60_000;
    await expect(rig.handler(close('scale-up', 20), context())).rejects.toThrow(
      `wave ${SCALE_UP_WAVE}: summary not delivered (Slack delivery failed after 2 attempts; last: HTTP 500 internal_error)`,
    );
    slack.answer();
    slack.posts.length = 0;
    expect(await rig.handler(close('scale-up', 20), context())).toMatchObject({ posted: true, missing: 20 });
    expect(slack.posts).toHaveLength(1);
  });
});

describe('nothing lost, nothing posted twice', () => {
  const services = serviceNames(10);
  const manifest = manifestFor(services);

  it('Slack refusing the completed wave returns its records, and their redelivery posts it once', async () => {
    slack.answer({ status: 503, body: 'unavailable' });
    const rig = waveHandler(table, slack.url, manifest, {
      delivery: { baseBackoffMs: 1, maxBackoffMs: 2, maxAttempts: 2 },
    });
    const calls = waveCalls(services);
    expect(await rig.handler(sqsEventFor(calls.slice(0, 6)), context())).toEqual({ batchItemFailures: [] });
    const completing = sqsEventFor(calls.slice(6));
    expect(failedIds(await rig.handler(completing, context()))).toEqual(completing.Records.map((r) => r.messageId));
    expect(slack.posts).toHaveLength(2); // two attempts, both refused

    slack.answer();
    slack.posts.length = 0;
    expect(await rig.handler(completing, context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(1);
    expect(text()).toContain('10 succeeded, 0 failed');
  });

  it('a claim whose invocation died holds the wave until its lease runs out, then is taken over', async () => {
    const rig = waveHandler(table, slack.url, manifest);
    const calls = waveCalls(services);
    await rig.handler(sqsEventFor(calls.slice(0, 9)), context());
    // An invocation claimed the wave and died before posting (its lease: the 60 s it had left).
    const store = new WaveStore(table.client, table.tableName, 'dev');
    const wave = { id: SCALE_UP_WAVE, expiresAt: 0 };
    expect(await store.claimClose(wave, MONDAY_SCALE_UP, MONDAY_SCALE_UP + 60_000)).toBeDefined();

    const last = sqsEventFor(calls.slice(9));
    rig.clock.now = MONDAY_SCALE_UP + 30_000;
    expect(failedIds(await rig.handler(last, context()))).toEqual(['msg-svc-009']);
    expect(slack.posts).toHaveLength(0);

    rig.clock.now = MONDAY_SCALE_UP + 11 * 60_000; // received again after the visibility timeout
    expect(await rig.handler(last, context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(1);
    expect(text()).toContain('10 succeeded, 0 failed');
  });

  it('a table it cannot reach returns every record', async () => {
    const rig = waveHandler(table, slack.url, manifest, {
      dynamodb: new DynamoDBClient({
        endpoint: await refusedUrl(),
        region: 'ap-northeast-2',
        credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
        maxAttempts: 1,
      }),
    });
    const event = sqsEventFor(waveCalls(services));
    expect(failedIds(await rig.handler(event, context()))).toEqual(event.Records.map((r) => r.messageId));
    expect(slack.posts).toHaveLength(0);
  });
});

describe('calls of no wave', () => {
  const services = serviceNames(5);

  it('are posted once, as outside the schedule, and never dropped', async () => {
    const rig = waveHandler(table, slack.url, manifestFor(services));
    rig.clock.now = MONDAY_SCALE_UP + 4 * 3600_000 + 60_000;
    // 13:00 KST: hours after the scale-up window (5 min + 60 min of retries) and before 18:00.
    const noon = [{ service: 'svc-001', atSecond: 4 * 3600, eventId: 'evt-noon', messageId: 'm1' }];
    // A count the config gives neither action, and a service the config does not list.
    const odd = [
      { service: 'svc-002', desiredCount: 7, eventId: 'evt-seven', messageId: 'm2' },
      { service: 'legacy-batch', eventId: 'evt-legacy', messageId: 'm3' },
    ];
    expect(await rig.handler(sqsEventFor([...noon, ...odd]), context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(1);
    expect(text()).toMatch(/^✅ ECS Scaling outside the schedule: dev/);
    for (const service of ['svc-001', 'svc-002', 'legacy-batch']) expect(text()).toContain(service);

    expect(await rig.handler(sqsEventFor([...noon, ...odd]), context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(1);
  });
});

describe('events', () => {
  it.each([
    ['an unknown shape', { detail: {} }],
    ['an unknown action', { closeWave: { action: 'scale-sideways' } }],
    ['a bad scheduled time', { closeWave: { action: 'scale-up', scheduledTime: 'soon' } }],
  ])('refuses %s with an error, not silence', async (_, event) => {
    const rig = waveHandler(table, slack.url, manifestFor(serviceNames(2)));
    await expect(rig.handler(event as never, context())).rejects.toThrow(/unknown event: expected an SQS batch or/);
    expect(slack.posts).toHaveLength(0);
  });

  it('closes the latest wave before now when the request has no scheduled time', async () => {
    const rig = waveHandler(table, slack.url, manifestFor(['svc-000']));
    rig.clock.now = MONDAY_SCALE_UP + 3 * 24 * 3600_000; // Thursday 09:00 KST
    expect(await rig.handler({ closeWave: { action: 'scale-up' } }, context())).toMatchObject({
      wave: 'scale-up@2026-11-26T00:00:00.000Z',
    });
  });
});
