// Delivery through the shared code against the real 127.0.0.1 Slack stand-in: Retry-After, retries,
// final refusals, several records, the Secrets Manager path (mocked at the SDK edge), and logs.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { SNSEvent } from 'aws-lambda';
import { AlertDeliveryError, createHandler, type HandlerDeps } from '../functions/alert-service/handler';
import { fixedWebhookUrl, WEBHOOK_SECRET_ENV } from '../functions/shared/webhook-url';
import { captureOutput, fakeContext, fixture, type PostedMessage } from './support/alert-service';
import { type FakeSlack, recordWait, refusedUrl, startFakeSlack, WEBHOOK_PATH } from './support/slack-server';

const SETTINGS = { environment: 'dev', displayTimeZone: 'Asia/Seoul' };
/** Short backoffs so retry tests take milliseconds. */
const FAST = { baseBackoffMs: 5, maxBackoffMs: 10, attemptTimeoutMs: 2_000 };

let slack: FakeSlack;
let output: ReturnType<typeof captureOutput>;
/** Every log line of the file, checked for the webhook URL at the end. */
const allOutput: string[] = [];

beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});
beforeEach(() => {
  slack.posts.length = 0;
  slack.answer();
  output = captureOutput();
});
afterEach(() => {
  allOutput.push(output.text());
  output.restore();
});

function handlerFor(deps: HandlerDeps = {}) {
  return createHandler({ webhookUrl: fixedWebhookUrl(slack.url), settings: SETTINGS, ...deps });
}

function twoRecords(): SNSEvent {
  const first = fixture('aurora-cpu-alarm').Records[0]!;
  const second = fixture('aurora-freeable-memory-alarm').Records[0]!;
  return { Records: [first, second] };
}

describe('Slack answers', () => {
  test('429 with Retry-After, then 200: waits as told and delivers one message', async () => {
    slack.answer({ status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } }, { status: 200, body: 'ok' });
    const waits: number[] = [];
    const sleep = (ms: number) => recordWait(waits, ms);
    const result = await handlerFor({ delivery: { sleep } })(fixture('aurora-cpu-alarm'), fakeContext());
    expect(result).toEqual({ records: 1, delivered: 1 });
    expect(waits).toEqual([2_000]);
    expect(slack.posts).toHaveLength(2);
    expect(slack.posts[1]!.body).toBe(slack.posts[0]!.body); // the same message, sent again
    expect((slack.posts[1]!.json as PostedMessage).text).toContain('*ALARM*');
  });

  test('a 500 that persists: retries with backoff, then the handler rejects (Lambda retries the event)', async () => {
    slack.answer({ status: 500, body: 'internal_error' });
    const handler = handlerFor({ delivery: { ...FAST, maxAttempts: 3 } });
    await expect(handler(fixture('aurora-cpu-alarm'), fakeContext())).rejects.toThrow(AlertDeliveryError);
    expect(slack.posts).toHaveLength(3);
  });

  test('a 500 that persists with little time left: gives up before the Lambda deadline', async () => {
    slack.answer({ status: 503, body: '' });
    // Backoffs of 5-10 s: a retry that waited one out would overshoot the deadline by seconds.
    const handler = handlerFor({ delivery: { baseBackoffMs: 5_000, maxBackoffMs: 10_000 } });
    const started = Date.now();
    // 3.5 s remaining minus the 3 s margin: 500 ms to work with.
    const failure = handler(fixture('aurora-cpu-alarm'), fakeContext(3_500));
    await expect(failure).rejects.toThrow(/not delivered to Slack/);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(slack.posts.length).toBeGreaterThanOrEqual(1);
    expect(slack.posts.length).toBeLessThan(6);
  });

  test.each([
    [403, 'invalid_token'],
    [404, 'no_service'],
    [400, 'invalid_payload'],
  ])('%p %s: rejects at once, no retry storm', async (status, body) => {
    slack.answer({ status, body });
    const handler = handlerFor({ delivery: FAST });
    await expect(handler(fixture('aurora-cpu-alarm'), fakeContext())).rejects.toThrow(
      `Slack rejected the message: HTTP ${status} ${body}`,
    );
    expect(slack.posts).toHaveLength(1);
  });

  test('connection refused is retried, then rejected; the error does not name the URL', async () => {
    const url = await refusedUrl();
    const handler = createHandler({
      webhookUrl: fixedWebhookUrl(url),
      settings: SETTINGS,
      delivery: { ...FAST, maxAttempts: 2 },
    });
    const error = await handler(fixture('aurora-cpu-alarm'), fakeContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AlertDeliveryError);
    expect((error as Error).message).toMatch(/after 2 attempts; last: connection failed/);
    expect((error as Error).message).not.toContain(WEBHOOK_PATH);
  });
});

describe('several records', () => {
  test('each record is its own message, in order', async () => {
    const result = await handlerFor()(twoRecords(), fakeContext());
    expect(result).toEqual({ records: 2, delivered: 2 });
    expect(slack.posts.map((p) => (p.json as PostedMessage).attachments[0]!.title)).toEqual([
      '경보 상세: OTT-Aurora-Cluster-CPU-Utilization-High',
      '경보 상세: OTT-Aurora-Cluster-FreeableMemory-Low',
    ]);
  });

  test('a failed record does not stop the next one; the handler throws after trying all', async () => {
    slack.answer({ status: 404, body: 'no_service' }, { status: 200, body: 'ok' });
    const failure = handlerFor({ delivery: FAST })(twoRecords(), fakeContext());
    await expect(failure).rejects.toThrow(
      '1 of 2 notification(s) not delivered to Slack: 3e1a1f7c-9b0d-5c2e-8f4a-6d7e8f9a0b1c',
    );
    expect(slack.posts).toHaveLength(2);
    expect((slack.posts[1]!.json as PostedMessage).attachments[0]!.title).toBe(
      '경보 상세: OTT-Aurora-Cluster-FreeableMemory-Low',
    );
  });

  test('an event without records does nothing and succeeds', async () => {
    await expect(handlerFor()({ Records: [] }, fakeContext())).resolves.toEqual({ records: 0, delivered: 0 });
    expect(slack.posts).toHaveLength(0);
  });
});

describe('webhook URL from Secrets Manager (the production path)', () => {
  const secrets = mockClient(SecretsManagerClient);
  const saved = { ...process.env };

  beforeEach(() => {
    secrets.reset();
    process.env.AWS_REGION = 'ap-northeast-2';
  });
  afterEach(() => {
    process.env = { ...saved };
  });
  afterAll(() => secrets.restore());

  test('reads {"webhook_url"} once and reuses it for later invocations', async () => {
    process.env[WEBHOOK_SECRET_ENV] = 'formation-lap/slack/webhook-cached';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhook_url: slack.url }) });
    const handler = createHandler({ settings: SETTINGS });
    await handler(fixture('aurora-cpu-alarm'), fakeContext());
    await handler(fixture('aurora-cpu-ok'), fakeContext());
    expect(slack.posts).toHaveLength(2);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toMatchObject({
      SecretId: 'formation-lap/slack/webhook-cached',
    });
  });

  test('an unreadable secret fails the invocation and posts nothing', async () => {
    process.env[WEBHOOK_SECRET_ENV] = 'formation-lap/slack/webhook-denied';
    const denied = Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
    secrets.on(GetSecretValueCommand).rejects(denied);
    const handler = createHandler({ settings: SETTINGS });
    await expect(handler(fixture('aurora-cpu-alarm'), fakeContext())).rejects.toThrow(
      /could not read secret "formation-lap\/slack\/webhook-denied"/,
    );
    expect(slack.posts).toHaveLength(0);
  });

  test('a secret without webhook_url fails the invocation', async () => {
    process.env[WEBHOOK_SECRET_ENV] = 'formation-lap/slack/webhook-empty';
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: 'nope' }) });
    await expect(createHandler({ settings: SETTINGS })(fixture('aurora-cpu-alarm'), fakeContext())).rejects.toThrow(
      /holds no webhook URL/,
    );
  });

  test('SLACK_WEBHOOK_SECRET_ID unset fails the invocation', async () => {
    delete process.env[WEBHOOK_SECRET_ENV];
    await expect(createHandler({ settings: SETTINGS })(fixture('aurora-cpu-alarm'), fakeContext())).rejects.toThrow(
      /SLACK_WEBHOOK_SECRET_ID is not set/,
    );
    expect(secrets.calls()).toHaveLength(0);
  });
});

describe('logs', () => {
  test('are structured JSON with the alarm and the SNS message id', async () => {
    await handlerFor()(fixture('aurora-cpu-alarm'), fakeContext());
    expect(output.lines()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          level: 'INFO',
          message: 'CloudWatch alarm received',
          service: 'alert-service',
          alarmName: 'OTT-Aurora-Cluster-CPU-Utilization-High',
          state: 'ALARM',
          snsMessageId: '3e1a1f7c-9b0d-5c2e-8f4a-6d7e8f9a0b1c',
          function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
        }),
        expect.objectContaining({ level: 'INFO', message: 'Slack post delivered', status: 200 }),
      ]),
    );
  });

  // Runs last: every line logged by this file (successes, retries, refusals, secret errors).
  test('never contain the webhook URL', () => {
    const logged = allOutput.join('\n');
    expect(logged).toContain('Slack post'); // the capture did see the logs
    expect(logged).not.toContain(WEBHOOK_PATH);
    expect(logged).not.toContain('TESTSECRET');
    expect(logged).not.toContain(slack.url);
  });
});
