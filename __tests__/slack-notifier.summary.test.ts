import type { KnownBlock } from '@slack/types';
import {
  lastSegment,
  readScalingResult,
  type ScalingResult,
  UnreadableRecord,
} from '../functions/slack-notifier/cloudtrail';
import { SLACK_LIMITS, summaryMessages, timeRange } from '../functions/slack-notifier/summary';
import { notifierFixture } from './support/cloudtrail-events';

function result(service: string, overrides: Partial<ScalingResult> = {}): ScalingResult {
  return {
    eventId: service,
    service,
    cluster: 'terraform-study-dev-cluster',
    desiredCount: 1,
    action: 'Scale Up',
    succeeded: true,
    eventTime: '2026-11-23T00:02:00.000Z',
    ...overrides,
  };
}

function sectionTexts(blocks: KnownBlock[]): string[] {
  return blocks.flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));
}

describe('reading a CloudTrail UpdateService record', () => {
  const body = (name: string, index = 0) => notifierFixture(name).Records[index]!.body;

  it.each([
    [
      'scale-up-success',
      {
        service: 'nestjs',
        desiredCount: 1,
        action: 'Scale Up',
        succeeded: true,
        eventTime: '2026-11-23T00:00:42.000Z',
      },
    ],
    ['scale-down', { service: 'python-api', desiredCount: 0, action: 'Scale Down', succeeded: true }],
    [
      'service-not-found',
      { service: 'frontend', succeeded: false, error: 'ServiceNotFoundException: Service not found.' },
    ],
    ['service-as-arn', { service: 'worker-service', cluster: 'terraform-study-dev-cluster' }],
  ])('%s', (name, expected) => {
    expect(readScalingResult(body(name))).toMatchObject(expected);
  });

  it('labels a call without desiredCount as another update', () => {
    const event = JSON.parse(body('scale-up-success'));
    delete event.detail.requestParameters.desiredCount;
    expect(readScalingResult(JSON.stringify(event))).toMatchObject({ action: 'Update' });
    expect(readScalingResult(JSON.stringify(event))).not.toHaveProperty('desiredCount');
  });

  it.each([
    ['not JSON', '{"detail": ', 'body is not JSON'],
    [
      'another event type',
      '{"detail-type":"ECS Task State Change","detail":{}}',
      'detail-type "ECS Task State Change"',
    ],
    [
      'another API call',
      '{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"CreateService"}}',
      'eventName "CreateService"',
    ],
    [
      'no service',
      '{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"UpdateService","eventID":"e1","eventTime":"2026-11-23T00:00:00Z","requestParameters":{}}}',
      'requestParameters.service is missing (eventID e1)',
    ],
    [
      'no eventID',
      '{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"UpdateService","requestParameters":{"service":"x"}}}',
      'eventID is missing',
    ],
    [
      'a bad time',
      '{"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"UpdateService","eventID":"e1","eventTime":"soon","requestParameters":{"service":"x"}}}',
      'eventTime is missing or not a time',
    ],
    ['a JSON string', '"hello"', 'eventName missing'],
    ['null', 'null', 'detail-type missing'],
  ])('rejects %s with a reason', (_, text, reason) => {
    expect(() => readScalingResult(text)).toThrow(UnreadableRecord);
    expect(() => readScalingResult(text)).toThrow(reason);
  });

  it('takes the name from service and cluster ARNs, old and new style', () => {
    expect(lastSegment('arn:aws:ecs:ap-northeast-2:123456789012:service/c/nestjs')).toBe('nestjs');
    expect(lastSegment('arn:aws:ecs:ap-northeast-2:123456789012:service/nestjs')).toBe('nestjs');
    expect(lastSegment('arn:aws:ecs:ap-northeast-2:123456789012:cluster/main')).toBe('main');
    expect(lastSegment('plain-name')).toBe('plain-name');
  });
});

describe('the summary message', () => {
  it('has a header, the environment, the time range, the table and the totals (seed 000)', () => {
    const [message, ...more] = summaryMessages({
      environment: 'dev',
      timeZone: 'Asia/Seoul',
      results: [
        result('nestjs', { eventTime: '2026-11-23T00:00:10.000Z' }),
        result('frontend', {
          succeeded: false,
          error: 'ResourceNotFoundException: Service not found',
          eventTime: '2026-11-23T00:04:50.000Z',
        }),
      ],
    });
    expect(more).toEqual([]);
    expect(message!.blocks![0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '⚠️ ECS Scheduled Scaling Summary: dev', emoji: true },
    });
    const [overview, table, failures] = sectionTexts(message!.blocks!);
    expect(overview).toBe('*Environment:* dev\n*Time:* 2026-11-23 09:00–09:04 KST\n*Total:* 1 succeeded, 1 failed');
    expect(table!.split('\n')).toEqual([
      '```',
      'Service  │ Action           │ Status',
      '─────────┼──────────────────┼─────────',
      'frontend │ Scale Up (→1)    │ ❌ Error',
      'nestjs   │ Scale Up (→1)    │ ✅',
      '```',
    ]);
    expect(failures).toBe(
      '*❌ Failures*\n• `frontend` (terraform-study-dev-cluster): ResourceNotFoundException: Service not found',
    );
    expect(message!.text).toBe(
      '⚠️ ECS Scheduled Scaling Summary: dev (2026-11-23 09:00–09:04 KST): 1 succeeded, 1 failed. Failed: frontend',
    );
  });

  it('is green when all succeeded and red when all failed', () => {
    const title = (results: ScalingResult[]) =>
      (
        summaryMessages({ environment: 'stg', timeZone: 'Asia/Seoul', results })[0]!.blocks![0] as {
          text: { text: string };
        }
      ).text.text;
    expect(title([result('a')])).toMatch(/^✅/);
    expect(title([result('a', { succeeded: false, error: 'x: y' })])).toMatch(/^❌/);
  });

  it('escapes Slack mrkdwn control characters from event values', () => {
    const [message] = summaryMessages({
      environment: 'dev',
      timeZone: 'Asia/Seoul',
      results: [result('svc', { succeeded: false, error: 'InvalidParameterException: <script> & "quotes"' })],
    });
    expect(sectionTexts(message!.blocks!).join('\n')).toContain('&lt;script&gt; &amp; "quotes"');
  });

  it.each([10, 50, 500, 2000])('stays within Slack limits with %i services, listing every one', (count) => {
    const results = Array.from({ length: count }, (_, i) =>
      result(`recommendation-service-number-${String(i).padStart(4, '0')}`, {
        ...(i % 7 === 0 ? { succeeded: false, error: `InvalidParameterException: ${'x'.repeat(500)}` } : {}),
      }),
    );
    const messages = summaryMessages({
      environment: 'dev',
      timeZone: 'Asia/Seoul',
      results,
      missing: [{ cluster: 'c', service: 'never-reported' }],
    });
    const everything = messages.flatMap((m) => sectionTexts(m.blocks!)).join('\n');
    for (const message of messages) {
      expect(message.blocks!.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      expect(message.text.length).toBeLessThan(4000);
      for (const text of sectionTexts(message.blocks!))
        expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      const header = message.blocks![0] as { text: { text: string } };
      expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    }
    for (const r of results) expect(everything).toContain(r.service);
    // one message unless the limits force more
    // One message unless the block limit forces parts, each labelled.
    if (count <= 500) {
      expect(messages).toHaveLength(1);
    } else {
      expect(messages.length).toBeGreaterThan(1);
      messages.forEach((m, i) => expect(m.text).toContain(`(part ${i + 1}/${messages.length})`));
    }
  });
  it('names the services that never reported, after the table, and counts them', () => {
    const [message] = summaryMessages({
      environment: 'dev',
      timeZone: 'Asia/Seoul',
      wave: 'Scale-up 09:00 KST, Mon 2026-11-23',
      results: [result('a')],
      missing: [
        { cluster: 'main', service: 'zeta' },
        { cluster: 'main', service: 'beta' },
      ],
    });
    const texts = sectionTexts(message!.blocks!);
    expect(texts[0]).toBe(
      '*Environment:* dev\n*Wave:* Scale-up 09:00 KST, Mon 2026-11-23\n*Time:* 2026-11-23 09:02 KST\n*Total:* 1 succeeded, 0 failed, 2 with no call seen',
    );
    expect(texts.at(-1)).toMatch(
      /^\*🚫 No UpdateService call seen\*: the schedule did not fire, .*\n• `beta` \(main\)\n• `zeta` \(main\)$/,
    );
    expect((message!.blocks![0] as { text: { text: string } }).text.text).toBe('⚠️ ECS Scheduled Scaling Summary: dev');
    expect(message!.text).toBe(
      '⚠️ ECS Scheduled Scaling Summary: dev (Scale-up 09:00 KST, Mon 2026-11-23): 1 succeeded, 0 failed, 2 with no call seen. No call seen: beta, zeta',
    );
  });

  it.each([
    ['follow-up', '✅ ECS Scaling, late results: dev', '(its summary was posted before these arrived)'],
    ['unscheduled', '✅ ECS Scaling outside the schedule: dev', ''],
  ] as const)('titles a %s message as such', (kind, title, note) => {
    const [message] = summaryMessages({
      environment: 'dev',
      timeZone: 'Asia/Seoul',
      kind,
      ...(kind === 'follow-up' ? { wave: 'Scale-up 09:00 KST, Mon 2026-11-23' } : {}),
      results: [result('a')],
    });
    expect((message!.blocks![0] as { text: { text: string } }).text.text).toBe(title);
    expect(sectionTexts(message!.blocks!)[0]).toContain(note);
  });

  it('keeps a service name longer than the column whole', () => {
    const long = `payments-reconciliation-batch-worker-${'x'.repeat(60)}`;
    const [message] = summaryMessages({
      environment: 'dev',
      timeZone: 'Asia/Seoul',
      results: [result('nestjs'), result(long)],
    });
    const table = sectionTexts(message!.blocks!)[1]!;
    expect(table).toContain(`${long} │ Scale Up (→1)`);
    expect(table).toMatch(/\nnestjs {34} │ Scale Up \(→1\)/);
  });
});

describe('the time range', () => {
  const at = (...times: string[]) => times.map((eventTime, i) => result(`s${i}`, { eventTime }));

  it.each([
    ['Asia/Seoul', at('2026-11-23T00:00:10Z', '2026-11-23T00:04:50Z'), '2026-11-23 09:00–09:04 KST'],
    ['Asia/Seoul', at('2026-11-23T09:00:00Z'), '2026-11-23 18:00 KST'],
    ['Asia/Seoul', at('2026-11-23T14:58:00Z', '2026-11-23T15:02:00Z'), '2026-11-23 23:58 – 2026-11-24 00:02 KST'],
    ['UTC', at('2026-11-23T00:00:10Z', '2026-11-23T00:04:50Z'), '2026-11-23 00:00–00:04 UTC'],
    ['Europe/Berlin', at('2026-11-23T08:00:00Z'), '2026-11-23 09:00 GMT+1 (Europe/Berlin)'],
  ])('in %s', (zone, results, expected) => {
    expect(timeRange(results, zone)).toBe(expected);
  });
});
