// The rollback switch (slackNotifier.enabled: false) is a real rollback: the queue's reader and the
// wave deadlines stop together, the queue keeps what arrives (queueRetentionHours), and switching
// back on posts each kept wave once, marked late, with every result. Synth for the switch, then the
// real handler against dynalite and the local Slack, driven as SQS would with a clock 2 h later.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { LocalWaveTable } from '../scripts/local-wave-table';
import { type CallSpec, sqsEventFor } from './support/cloudtrail-events';
import { testEnvironment } from './support/environment-builder';
import { type FakeSlack, readableText } from './support/slack-server';
import { resourceOf, synthJson } from './support/synth';
import {
  failedIds,
  freshWaveServers,
  manifestFor,
  MONDAY_SCALE_UP,
  notifierContext as context,
  serviceNames,
  waveHandler,
} from './support/waves';

const DEADLINES = ['slack_notifier_wave_deadline_scale_up', 'slack_notifier_wave_deadline_scale_down'];

/** A test environment whose slackNotifier has these settings (none: the defaults). */
function withNotifier(notifier: Record<string, unknown> = {}) {
  const input = testEnvironment();
  Object.assign(input.slackNotifier, notifier);
  return input;
}

describe('the switch, in the synthesized stack', () => {
  let defaults: ReturnType<typeof synthJson>;
  beforeAll(() => {
    defaults = synthJson(withNotifier());
  });

  it('off: the queue reader is disabled, no deadline schedule is enabled, the function is told it is paused', () => {
    const json = synthJson(withNotifier({ enabled: false }));
    expect(resourceOf(json, 'aws_lambda_event_source_mapping', 'slack_notifier_sqs_trigger').enabled).toBe(false);
    for (const id of DEADLINES) expect(resourceOf(json, 'aws_scheduler_schedule', id).state).toBe('DISABLED');
    const fn = resourceOf(json, 'aws_lambda_function', 'slack_notifier_slack_notifier') as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables.PAUSED).toBe('true');
  });

  it('on (the default): both deadline schedules enabled, the function not paused', () => {
    const json = defaults;
    for (const id of DEADLINES) expect(resourceOf(json, 'aws_scheduler_schedule', id).state).toBe('ENABLED');
    const fn = resourceOf(json, 'aws_lambda_function', 'slack_notifier_slack_notifier') as {
      environment: { variables: Record<string, string> };
    };
    expect(fn.environment.variables.PAUSED).toBe('false');
  });

  it('the queue keeps messages 4 days by default, and queueRetentionHours sets it; visibility is unchanged', () => {
    const queue = (json: ReturnType<typeof synthJson>) => resourceOf(json, 'aws_sqs_queue', 'slack_notifier_alerts');
    expect(queue(defaults)).toMatchObject({ message_retention_seconds: 4 * 24 * 3600 });
    expect(queue(synthJson(withNotifier({ queueRetentionHours: 336 })))).toMatchObject({
      message_retention_seconds: 14 * 24 * 3600,
      visibility_timeout_seconds: 6 * 60 + 300,
    });
  });

  it.each([0, 337, 1.5])('queueRetentionHours %p is refused at synth, naming the field and its limits', (hours) => {
    expect(() => synthJson(withNotifier({ queueRetentionHours: hours }))).toThrow(/slackNotifier\.queueRetentionHours/);
  });
});

describe('the handler across a rollback', () => {
  const services = serviceNames(20);
  const manifest = manifestFor(services);
  const TWO_HOURS_LATER = MONDAY_SCALE_UP + 2 * 3600_000 + 5 * 60_000;
  let table: LocalWaveTable;
  let slack: FakeSlack;
  freshWaveServers((t, s) => ([table, slack] = [t, s]));

  /** The wave's calls as the queue kept them: made 09:00-09:05, never read while the switch was off. */
  const kept = (names: string[], receiveCount = 1): CallSpec[] =>
    names.map((service, i) => ({
      service,
      atSecond: i * 15,
      eventId: `evt-${service}`,
      messageId: `msg-${service}`,
      receiveCount,
      ...(service === 'svc-007'
        ? { error: { code: 'ServiceNotActiveException', message: 'Service was not ACTIVE.' } }
        : {}),
    }));
  const closeAtDeadline = { closeWave: { action: 'scale-up', scheduledTime: '2026-11-23T00:20:00Z' } } as const;

  it('switched off: the deadline that still arrives posts nothing (no "0 succeeded, 20 with no call seen")', async () => {
    const paused = waveHandler(table, slack.url, manifest, {
      settings: { environment: 'dev', timeZone: 'Asia/Seoul', tableName: table.tableName, paused: true },
    });
    paused.clock.now = MONDAY_SCALE_UP + 20 * 60_000;

    const outcome = await paused.handler(closeAtDeadline, context());

    expect(outcome).toMatchObject({ posted: false, paused: true });
    expect(slack.posts).toHaveLength(0);
  });

  it('off for two hours, on again: one late post with every result, and nothing more on redelivery', async () => {
    const paused = waveHandler(table, slack.url, manifest, {
      settings: { environment: 'dev', timeZone: 'Asia/Seoul', tableName: table.tableName, paused: true },
    });
    paused.clock.now = MONDAY_SCALE_UP + 20 * 60_000;
    await paused.handler(closeAtDeadline, context());

    // Re-enabled at 11:05 KST (a deploy: a new function instance); the queue hands over what it kept.
    const resumed = waveHandler(table, slack.url, manifest);
    resumed.clock.now = TWO_HOURS_LATER;
    const response = await resumed.handler(sqsEventFor(kept(services)), context());

    expect(failedIds(response)).toEqual([]);
    expect(slack.posts).toHaveLength(1);
    const text = readableText(slack.posts[0]!);
    expect(text).toContain('ECS Scheduled Scaling Summary (late): dev');
    expect(text).toContain("*⏰ Late:* posted 2026-11-23 11:05 KST, after the wave's deadline");
    for (const service of services) expect(text).toContain(service);
    expect(text).toContain('19 succeeded, 1 failed');
    expect(text).toContain('ServiceNotActiveException');
    expect(text).not.toContain('no call seen');

    // SQS delivers at least once: the same records again change nothing.
    expect(failedIds(await resumed.handler(sqsEventFor(kept(services, 2)), context()))).toEqual([]);
    expect(slack.posts).toHaveLength(1);
  });

  it('kept 10 days (queueRetentionHours up to 14 days): posted late once, and its record outlives the post by 7 days', async () => {
    const resumed = waveHandler(table, slack.url, manifest);
    resumed.clock.now = MONDAY_SCALE_UP + 10 * 24 * 3600_000;

    expect(failedIds(await resumed.handler(sqsEventFor(kept(services)), context()))).toEqual([]);

    expect(slack.posts).toHaveLength(1);
    const item = await table.client.send(
      new GetItemCommand({
        TableName: table.tableName,
        Key: { pk: { S: 'dev#scale-up@2026-11-23T00:00:00.000Z' }, sk: { S: 'wave' } },
        ConsistentRead: true,
      }),
    );
    expect(Number(item.Item?.expiresAt?.N)).toBeGreaterThanOrEqual(resumed.clock.now / 1000 + 7 * 24 * 3600);
    expect(failedIds(await resumed.handler(sqsEventFor(kept(services, 2)), context()))).toEqual([]);
    expect(slack.posts).toHaveLength(1);
  });

  it('the kept wave split over two concurrent batches: still one late post with all 20', async () => {
    const resumed = waveHandler(table, slack.url, manifest);
    resumed.clock.now = TWO_HOURS_LATER;
    const calls = kept(services);
    const batches = [calls.filter((_, i) => i % 2 === 0), calls.filter((_, i) => i % 2 === 1)];

    const responses = await Promise.all(batches.map((batch) => resumed.handler(sqsEventFor(batch), context())));
    // Records returned to the queue come back one visibility timeout later, on their 2nd receive.
    const returned = new Set(responses.flatMap(failedIds));
    resumed.clock.now += 660_000;
    const again = calls.filter((c) => returned.has(c.messageId!)).map((c) => ({ ...c, receiveCount: 2 }));
    if (again.length > 0) expect(failedIds(await resumed.handler(sqsEventFor(again), context()))).toEqual([]);

    expect(slack.posts).toHaveLength(1);
    const text = readableText(slack.posts[0]!);
    expect(text).toContain('(late)');
    for (const service of services) expect(text).toContain(service);
  });

  it('a kept wave with a service missing: its records return once, then one late post naming the missing one', async () => {
    const resumed = waveHandler(table, slack.url, manifest);
    resumed.clock.now = TWO_HOURS_LATER;
    const present = services.filter((s) => s !== 'svc-013');

    const first = await resumed.handler(sqsEventFor(kept(present)), context());
    expect(failedIds(first)).toHaveLength(19);
    expect(slack.posts).toHaveLength(0);

    resumed.clock.now += 660_000;
    const second = await resumed.handler(sqsEventFor(kept(present, 2)), context());
    expect(failedIds(second)).toEqual([]);
    expect(slack.posts).toHaveLength(1);
    const text = readableText(slack.posts[0]!);
    expect(text).toContain('(late)');
    expect(text).toContain('1 with no call seen');
    expect(text).toMatch(/No UpdateService call seen[^\n]*\n• `svc-013`/);
  });
});
