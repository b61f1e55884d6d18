// What reaches Slack for each kind of SNS message: every alarm fixture goes through the real handler
// to the 127.0.0.1 Slack stand-in, and the posted JSON is checked against seed 004.
import fc from 'fast-check';
import { parseRecord } from '../functions/alert-service/alarm';
import { createHandler } from '../functions/alert-service/handler';
import { formatTime, toSlackMessage } from '../functions/alert-service/message';
import { codeBlock, mrkdwn, truncate } from '../functions/shared/slack-text';
import { settingsFromEnv, type Settings } from '../functions/alert-service/settings';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import {
  alarmOf,
  captureOutput,
  fakeContext,
  fieldOf,
  fixture,
  withMessage,
  type PostedMessage,
} from './support/alert-service';
import { type FakeSlack, startFakeSlack } from './support/slack-server';
import type { SNSEvent } from 'aws-lambda';

const SETTINGS: Settings = { environment: 'dev', displayTimeZone: 'Asia/Seoul' };

let slack: FakeSlack;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack.close());
beforeEach(() => {
  slack.posts.length = 0;
  slack.answer();
  output = captureOutput();
});
afterEach(() => output.restore());

/** Runs the handler on the event and returns the one message Slack received. */
async function posted(event: SNSEvent, settings: Partial<Settings> = SETTINGS): Promise<PostedMessage> {
  const handler = createHandler({ webhookUrl: fixedWebhookUrl(slack.url), settings });
  await expect(handler(event, fakeContext())).resolves.toEqual({ records: 1, delivered: 1 });
  expect(slack.posts).toHaveLength(1);
  return slack.posts[0]!.json as PostedMessage;
}

describe('alarm state changes (seed 004 texts and colours)', () => {
  test('ALARM: red 🚨 message with the exact seed texts', async () => {
    const message = await posted(fixture('aurora-cpu-alarm'));
    expect(message.text).toBe('🚨 *[OTT 인프라 감지]* 상태가 *ALARM*로 변경되었습니다.');
    expect(message.attachments).toHaveLength(1);
    const [attachment] = message.attachments;
    expect(attachment).toMatchObject({
      color: '#eb4034',
      title: '경보 상세: OTT-Aurora-Cluster-CPU-Utilization-High',
      footer: 'OTT 플랫폼 통합 관제 시스템',
    });
    expect(attachment!.fields.map((f) => f.title)).toEqual(
      expect.arrayContaining(['대상 리전', '감시 메트릭', '임계치', '발생 시간', '상세 사유']),
    );
    expect(fieldOf(message, '대상 리전')).toBe('ap-northeast-2');
    expect(fieldOf(message, '감시 메트릭')).toBe('CPUUtilization (AWS/RDS)\n평균 · 1분 × 5');
    expect(fieldOf(message, '임계치')).toBe('≥ 80%');
    expect(fieldOf(message, '상세 사유')).toMatch(/^```Threshold Crossed: 5 out of the last 5 datapoints/);
    expect(fieldOf(message, '상세 사유')).toContain('OK -&gt; ALARM transition');
    expect(fieldOf(message, '상태 변화')).toBe('OK → ALARM');
    expect(fieldOf(message, '환경')).toBe('dev');
  });

  test('OK: green ✅ recovery message', async () => {
    const message = await posted(fixture('aurora-cpu-ok'));
    expect(message.text).toBe('✅ *[OTT 인프라 감지]* 상태가 *OK*로 변경되었습니다.');
    expect(message.attachments[0]).toMatchObject({
      color: '#2eb886',
      title: '경보 상세: OTT-Aurora-Cluster-CPU-Utilization-High',
    });
    expect(fieldOf(message, '상태 변화')).toBe('ALARM → OK');
  });

  test('INSUFFICIENT_DATA: grey ⚠️ message (no data is neither an alarm nor a recovery)', async () => {
    const message = await posted(fixture('aurora-cpu-insufficient-data'));
    expect(message.text).toBe('⚠️ *[OTT 인프라 감지]* 상태가 *INSUFFICIENT_DATA*로 변경되었습니다.');
    expect(message.attachments[0]!.color).toBe('#9e9e9e');
    expect(fieldOf(message, '상세 사유')).toBe('```Insufficient Data: 5 datapoints were unknown.```');
  });

  test('names which DB cluster (dimensions) and links to the alarm in the console', async () => {
    const message = await posted(fixture('aurora-cpu-alarm'));
    expect(fieldOf(message, '대상 리소스')).toBe('DBClusterIdentifier: ott-aurora-cluster\nRole: WRITER');
    const url =
      'https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2' +
      '#alarmsV2:alarm/OTT-Aurora-Cluster-CPU-Utilization-High';
    expect(message.attachments[0]!.title_link).toBe(url);
    expect(fieldOf(message, '콘솔')).toBe(`<${url}|CloudWatch 경보 열기>`);
  });

  test('the console link takes its region from AlarmArn and URL-encodes the name', async () => {
    const alarm = alarmOf('aurora-cpu-alarm');
    alarm.AlarmName = 'CPU high / 90% & more';
    alarm.AlarmArn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:CPU high / 90% & more';
    alarm.Region = 'US East (N. Virginia)';
    const message = await posted(withMessage(alarm));
    expect(fieldOf(message, '대상 리전')).toBe('us-east-1');
    expect(message.attachments[0]!.title_link).toBe(
      'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/CPU%20high%20%2F%2090%25%20%26%20more',
    );
    expect(message.attachments[0]!.title).toBe('경보 상세: CPU high / 90% &amp; more');
  });

  test('an ECS service alarm names the cluster and the service', async () => {
    const message = await posted(fixture('ecs-service-cpu-alarm'));
    expect(message.attachments[0]!.title).toBe('경보 상세: nestjs-ecs-cpu-high-dev');
    expect(fieldOf(message, '감시 메트릭')).toBe('CPUUtilization (AWS/ECS)\n평균 · 1분 × 5');
    expect(fieldOf(message, '임계치')).toBe('≥ 80%');
    expect(fieldOf(message, '대상 리소스')).toBe('ClusterName: terraform-study-dev-cluster\nServiceName: nestjs');
  });
});

// Field values are mrkdwn on the wire: "<" and ">" travel as &lt; / &gt; and Slack shows < / >.
describe('thresholds in the metric unit (legacy defect 8)', () => {
  test('FreeableMemory in bytes-based units', async () => {
    const message = await posted(fixture('aurora-freeable-memory-alarm'));
    expect(fieldOf(message, '임계치')).toBe('&lt; 1 GiB');
  });

  test('the legacy FreeableMemory threshold 1000000000 is not "1000000000%"', async () => {
    const alarm = alarmOf('aurora-freeable-memory-alarm');
    (alarm.Trigger as Record<string, unknown>).Threshold = 1_000_000_000;
    const message = await posted(withMessage(alarm));
    expect(fieldOf(message, '임계치')).toBe('&lt; 953.67 MiB');
  });

  test('CPU in percent', async () => {
    expect(fieldOf(await posted(fixture('aurora-cpu-alarm')), '임계치')).toBe('≥ 80%');
  });

  test('DatabaseConnections as a count', async () => {
    expect(fieldOf(await posted(fixture('aurora-connections-alarm')), '임계치')).toBe('≥ 100개');
  });

  test('Trigger.Unit wins over the table', async () => {
    const alarm = alarmOf('aurora-freeable-memory-alarm');
    Object.assign(alarm.Trigger as object, { Unit: 'Megabytes', Threshold: 256 });
    expect(fieldOf(await posted(withMessage(alarm)), '임계치')).toBe('&lt; 256 MiB');
  });

  test('an unknown metric without a unit shows the raw number', async () => {
    const alarm = alarmOf('aurora-cpu-alarm');
    Object.assign(alarm.Trigger as object, { MetricName: 'QueueBacklog', Namespace: 'Custom/App', Threshold: 1234.5 });
    expect(fieldOf(await posted(withMessage(alarm)), '임계치')).toBe('≥ 1234.5');
  });
});

describe('발생 시간 and ts come from StateChangeTime, never from the clock', () => {
  afterEach(() => jest.useRealTimers());

  test('"2026-11-23T00:05:00.000+0000" is 09:05 KST whatever the clock says', () => {
    jest.useFakeTimers({ now: new Date('2031-05-05T12:34:56Z') });
    const message = toSlackMessage(parseRecord(fixture('aurora-cpu-alarm').Records[0]), SETTINGS);
    const attachment = message.attachments![0]!;
    expect(attachment.fields!.find((f) => f.title === '발생 시간')!.value).toBe('2026-11-23 09:05:00 KST');
    expect(Number(attachment.ts)).toBe(Date.UTC(2026, 10, 23, 0, 5, 0) / 1000);
  });

  test('the KST date rolls over at 15:00 UTC', async () => {
    const message = await posted(fixture('aurora-cpu-insufficient-data'));
    expect(fieldOf(message, '발생 시간')).toBe('2026-11-24 00:30:00 KST');
  });

  test('DISPLAY_TIMEZONE changes the zone (by Intl, no fixed offsets)', async () => {
    expect(fieldOf(await posted(fixture('aurora-cpu-alarm'), { displayTimeZone: 'UTC' }), '발생 시간')).toBe(
      '2026-11-23 00:05:00 UTC',
    );
    expect(formatTime(Date.UTC(2026, 6, 1, 12, 0, 0), 'Europe/London')).toBe('2026-07-01 13:00:00 GMT+1');
    expect(formatTime(Date.UTC(2026, 11, 1, 12, 0, 0), 'Europe/London')).toBe('2026-12-01 12:00:00 GMT');
  });

  test('an unreadable StateChangeTime is shown as sent and ts is left out', async () => {
    const alarm = alarmOf('aurora-cpu-alarm');
    alarm.StateChangeTime = 'yesterday';
    const message = await posted(withMessage(alarm));
    expect(fieldOf(message, '발생 시간')).toBe('yesterday');
    expect(message.attachments[0]!.ts).toBeUndefined();
  });

  test('settings: DISPLAY_TIMEZONE defaults to Asia/Seoul; an invalid zone falls back with a warning', () => {
    expect(settingsFromEnv({ ENVIRONMENT: 'stg' })).toEqual({
      settings: { environment: 'stg', displayTimeZone: 'Asia/Seoul' },
      warnings: [],
    });
    const bad = settingsFromEnv({ DISPLAY_TIMEZONE: 'Mars/Olympus' });
    expect(bad.settings.displayTimeZone).toBe('Asia/Seoul');
    expect(bad.warnings).toEqual([expect.stringContaining('Mars/Olympus')]);
  });
});

describe('metric math, composite alarms and descriptions', () => {
  test('a metric-math alarm shows its expression, its metrics and their dimensions', async () => {
    const message = await posted(fixture('metric-math-alarm'));
    expect(fieldOf(message, '감시 메트릭')).toBe(
      '▶ e1 = `100 * m1 / 1000` (DB 연결 사용률 (%))\nm1 = AWS/RDS DatabaseConnections (최대, 5분)',
    );
    // The expression's unit is unknown: the raw number, with the operator.
    expect(fieldOf(message, '임계치')).toBe('&gt; 90');
    expect(fieldOf(message, '대상 리소스')).toBe('DBClusterIdentifier: ott-aurora-cluster\nRole: WRITER');
    expect(fieldOf(message, '설명')).toBeUndefined(); // AlarmDescription null
  });

  test('a composite alarm shows its rule', async () => {
    const message = await posted(
      withMessage({
        AlarmName: 'OTT-Composite',
        AlarmDescription: null,
        NewStateValue: 'ALARM',
        OldStateValue: 'OK',
        NewStateReason: 'arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:a transitioned to ALARM',
        StateChangeTime: '2026-11-23T00:05:00.000+0000',
        Region: 'Asia Pacific (Seoul)',
        AlarmArn: 'arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:OTT-Composite',
        AlarmRule: 'ALARM("a") OR ALARM("b")',
      }),
    );
    expect(fieldOf(message, '감시 메트릭')).toBe('복합 경보');
    expect(fieldOf(message, '경보 규칙')).toBe('```ALARM("a") OR ALARM("b")```');
    expect(fieldOf(message, '임계치')).toBe('-');
  });

  test('a description with backticks, Korean and <, >, & stays readable mrkdwn', async () => {
    const message = await posted(fixture('markdown-description-alarm'));
    expect(fieldOf(message, '설명')).toBe(
      '`ott-aurora-cluster` CPU 과부하 &amp; 느린 쿼리 의심. 조치: `SHOW FULL PROCESSLIST;` 실행 후 &lt;긴 쿼리&gt; 종료' +
        ' — 담당: DB팀 *온콜* (런북: https://wiki.example.com/db?id=1&amp;x=2)',
    );
    expect(message.attachments[0]!.mrkdwn_in).toEqual(expect.arrayContaining(['fields']));
  });

  test('a long reason and description are truncated, and the code block still closes', async () => {
    const alarm = alarmOf('markdown-description-alarm');
    alarm.NewStateReason = `Threshold Crossed: ${'[95.0 (23/11/26 07:04:00)] '.repeat(500)}`;
    alarm.AlarmDescription = `${'가'.repeat(1495)} \`SHOW PROCESSLIST\` 이후 내용`;
    const message = await posted(withMessage(alarm));
    const reason = fieldOf(message, '상세 사유')!;
    expect(reason.length).toBeLessThanOrEqual(1_006);
    expect(reason).toMatch(/^```Threshold Crossed: .*…```$/s);
    const description = fieldOf(message, '설명')!;
    expect(Array.from(description)).toHaveLength(1_500);
    expect(description.endsWith(' ˋSH…')).toBe(true); // the cut-off inline code cannot swallow the message
  });
});

describe('mrkdwn helpers', () => {
  test('truncate never splits a surrogate pair', () => {
    expect(truncate('🚨🚨🚨🚨', 3)).toBe('🚨🚨…');
    expect(truncate('짧은 글', 10)).toBe('짧은 글');
  });

  test('truncate cuts any text exactly as a code-point array would (emoji, lone surrogates, limits)', () => {
    const byArray = (text: string, max: number) => {
      const chars = Array.from(text);
      return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
    };
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', '한', '🚨', '\ud83d', '\udea8', 'é'), maxLength: 40 }),
        fc.integer({ min: 1, max: 45 }),
        (text, max) => expect(truncate(text, max)).toBe(byArray(text, max)),
      ),
      { numRuns: 2_000 },
    );
  });

  test('codeBlock keeps backticks from closing the block', () => {
    expect(codeBlock('a ``` b `c`', 100)).toBe('```a ˋˋˋ b ˋcˋ```');
  });

  test.each([
    ['`code` 설명', '`code` 설명'],
    ['it`s lone', 'itˋs lone'],
    ['```\nSELECT 1;', '```\nSELECT 1;\n```'],
    ['```\nSELECT `x`;\n```', '```\nSELECT `x`;\n```'],
    ['<@U123> & <!channel>', '&lt;@U123&gt; &amp; &lt;!channel&gt;'],
  ])('mrkdwn(%p) = %p', (input, expected) => {
    expect(mrkdwn(input, 100)).toBe(expected);
  });
});

describe('messages that are not CloudWatch alarms are forwarded, not dropped', () => {
  test('plain text: subject as the title, the message in a code block', async () => {
    const message = await posted(fixture('non-alarm-text-message'));
    expect(message.text).toBe('📨 *[OTT 인프라 감지]* 경보 형식이 아닌 SNS 알림을 받았습니다.');
    expect(message.attachments[0]).toMatchObject({
      title: 'All Fine',
      color: '#9e9e9e',
      footer: 'OTT 플랫폼 통합 관제 시스템',
      text: '```This\nis\na typical multi-line\ntext-formatted message from SNS!\n\nHave a ~good~ amazing day! :)```',
    });
    expect(fieldOf(message, 'SNS 토픽')).toBe('ott-db-alarm-topic-dev');
    expect(fieldOf(message, '수신 시간')).toBe('2026-11-23 17:00:00 KST');
  });

  test('a subscription-confirmation-like JSON message is shown indented, without a subject', async () => {
    const message = await posted(fixture('non-alarm-subscription-confirmation'));
    expect(message.attachments[0]!.title).toBe('(제목 없음)');
    expect(message.attachments[0]!.text).toContain('"Type": "SubscriptionConfirmation"');
    expect(message.attachments[0]!.text).toContain('\n  "Message": "You have chosen to subscribe');
  });

  test('an unknown JSON shape (an RDS event notification)', async () => {
    const message = await posted(fixture('non-alarm-rds-event'));
    expect(message.attachments[0]!.title).toBe('RDS Notification Message');
    expect(message.attachments[0]!.text).toContain('A failover for the DB cluster has completed.');
  });

  test('unparseable JSON keeps the raw text', async () => {
    const message = await posted(fixture('non-alarm-invalid-json'));
    expect(message.attachments[0]!.text).toBe(
      '```{"AlarmName": "OTT-Aurora-Cluster-CPU-Utilization-High", "NewStateValue": "ALA```',
    );
  });

  test('a huge message is truncated', async () => {
    const message = await posted(withMessage('x'.repeat(100_000), 'big'));
    expect(message.attachments[0]!.text!.length).toBeLessThanOrEqual(2_506);
  });

  test('an event that is not SNS at all is forwarded whole', async () => {
    const handler = createHandler({ webhookUrl: fixedWebhookUrl(slack.url), settings: SETTINGS });
    const event = { hello: 'world' } as unknown as SNSEvent;
    await expect(handler(event, fakeContext())).resolves.toEqual({ records: 1, delivered: 1 });
    const message = slack.posts[0]!.json as PostedMessage;
    expect(message.attachments[0]!.text).toBe('```{"hello":"world"}```');
  });

  test('the reason is logged as a warning', async () => {
    await posted(fixture('non-alarm-text-message'));
    expect(output.lines()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'SNS message is not a CloudWatch alarm; forwarding it as a generic notification',
        problem: 'message is not JSON',
      }),
    );
  });
});
