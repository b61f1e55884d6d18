// deliverAll against a real HTTP server on 127.0.0.1: resolve the URL, post each message in order,
// stop at the first failure and report it (never throw); every step logged, no log holding the URL.
import type { Logger } from '@aws-lambda-powertools/logger';
import { DEADLINE_MARGIN_MS, deadlineOf, type DeliverySetup, deliverAll } from '../functions/shared/deliver';
import { createLogger } from '../functions/shared/logger';
import type { SlackMessage } from '../functions/shared/slack-webhook';
import { fixedWebhookUrl, WEBHOOK_SECRET_ENV, webhookUrlFromSecret } from '../functions/shared/webhook-url';
import { type FakeSlack, refusedUrl, startFakeSlack, WEBHOOK_PATH } from './support/slack-server';

const SECRET_SEGMENT = WEBHOOK_PATH.split('/').pop() as string;

interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  extra: unknown[];
}

/** A Logger stand-in that records every call. */
function fakeLogger(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const record =
    (level: LogEntry['level']) =>
    (message: string, ...extra: unknown[]) =>
      void entries.push({ level, message, extra });
  const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  return { logger: logger as unknown as Logger, entries };
}

function expectNoUrlIn(texts: string[], url: string): void {
  expect(texts.length).toBeGreaterThan(0);
  for (const text of texts) {
    expect(text).not.toContain(url);
    expect(text).not.toContain(WEBHOOK_PATH);
    expect(text).not.toContain(SECRET_SEGMENT);
  }
}

const messages: SlackMessage[] = [
  { text: '1/3 스케일 업 시작' },
  { text: '2/3 서비스 api: 0 → 2' },
  { text: '3/3 완료' },
];

let slack: FakeSlack;
let log: ReturnType<typeof fakeLogger>;
beforeEach(async () => {
  slack = await startFakeSlack();
  log = fakeLogger();
});
afterEach(async () => {
  await slack.close();
});

function setup(overrides: Partial<DeliverySetup> = {}): DeliverySetup {
  return {
    webhookUrl: fixedWebhookUrl(slack.url),
    deadline: Date.now() + 5_000,
    logger: log.logger,
    maxAttempts: 3,
    attemptTimeoutMs: 1_000,
    baseBackoffMs: 20,
    maxBackoffMs: 100,
    random: () => 1,
    ...overrides,
  };
}

const logTexts = () => log.entries.map((entry) => JSON.stringify(entry));

describe('deliverAll', () => {
  it('posts every message in order and reports each post', async () => {
    const outcome = await deliverAll(messages, setup());

    expect(outcome).toEqual({
      delivered: true,
      posts: [
        { status: 200, attempts: 1, waitedMs: 0 },
        { status: 200, attempts: 1, waitedMs: 0 },
        { status: 200, attempts: 1, waitedMs: 0 },
      ],
    });
    expect(slack.posts.map((post) => post.json)).toEqual(messages);
    expect(log.entries.map((e) => [e.level, e.message, e.extra[0]])).toEqual([
      ['info', 'Slack post delivered', { part: 1, of: 3, status: 200, attempts: 1, waitedMs: 0 }],
      ['info', 'Slack post delivered', { part: 2, of: 3, status: 200, attempts: 1, waitedMs: 0 }],
      ['info', 'Slack post delivered', { part: 3, of: 3, status: 200, attempts: 1, waitedMs: 0 }],
    ]);
    expectNoUrlIn(logTexts(), slack.url);
  });

  it('two messages → two posts, in order', async () => {
    const two = messages.slice(0, 2);
    const outcome = await deliverAll(two, setup());

    expect(outcome.delivered).toBe(true);
    expect(outcome.posts).toHaveLength(2);
    expect(slack.posts.map((post) => post.json)).toEqual(two);
    expect(slack.posts[0]!.receivedAt).toBeLessThanOrEqual(slack.posts[1]!.receivedAt);
  });

  it('no messages → delivered with no post (the URL is still resolved)', async () => {
    const source = jest.fn(fixedWebhookUrl(slack.url));
    await expect(deliverAll([], setup({ webhookUrl: source }))).resolves.toEqual({ delivered: true, posts: [] });
    expect(source).toHaveBeenCalledTimes(1);
    expect(slack.posts).toHaveLength(0);
  });

  it('the URL source failing → delivered:false with its reason, no request made', async () => {
    const outcome = await deliverAll(messages, setup({ webhookUrl: webhookUrlFromSecret({}) }));

    const reason = `${WEBHOOK_SECRET_ENV} is not set; the stack sets it to the webhook secret's ARN`;
    expect(outcome).toEqual({ delivered: false, posts: [], reason, unconfirmed: 0 });
    expect(slack.posts).toHaveLength(0);
    expect(log.entries).toEqual([{ level: 'error', message: 'Slack webhook URL unavailable', extra: [{ reason }] }]);
  });

  it('a URL source rejecting with a non-Error → delivered:false with it as text, never a throw', async () => {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the case under test
    const outcome = await deliverAll(messages, setup({ webhookUrl: () => Promise.reject('no url today') }));

    expect(outcome).toEqual({ delivered: false, posts: [], reason: 'no url today', unconfirmed: 0 });
    expect(slack.posts).toHaveLength(0);
  });

  it('a failure on the 2nd message → delivered:false with 1 post report; later messages are not sent', async () => {
    slack.answer({ status: 200, body: 'ok' }, { status: 400, body: 'invalid_blocks' }, { status: 200, body: 'ok' });

    const outcome = await deliverAll(messages, setup());

    expect(outcome).toEqual({
      delivered: false,
      posts: [{ status: 200, attempts: 1, waitedMs: 0 }],
      reason: 'Slack rejected the message: HTTP 400 invalid_blocks',
      rejected: true,
      unconfirmed: 0,
    });
    expect(slack.posts.map((post) => post.json)).toEqual(messages.slice(0, 2));
    expect(log.entries.at(-1)).toEqual({
      level: 'error',
      message: 'Slack post failed',
      extra: [
        { part: 2, of: 3, reason: 'Slack rejected the message: HTTP 400 invalid_blocks', slackRefusal: 'permanent' },
      ],
    });
    expectNoUrlIn(logTexts(), slack.url);
  });

  it('retries are logged as warnings with part, attempt, reason and wait', async () => {
    slack.answer(
      { status: 200 },
      { status: 500, body: 'internal_error' },
      { status: 429, body: 'rate_limited' },
      {
        status: 200,
      },
    );

    const outcome = await deliverAll(messages.slice(0, 2), setup());

    expect(outcome).toEqual({
      delivered: true,
      posts: [
        { status: 200, attempts: 1, waitedMs: 0 },
        { status: 200, attempts: 3, waitedMs: 60 },
      ],
    });
    expect(log.entries.filter((e) => e.level === 'warn')).toEqual([
      {
        level: 'warn',
        message: 'Slack post will be retried',
        extra: [{ part: 2, of: 2, attempt: 1, reason: 'HTTP 500 internal_error', waitMs: 20 }],
      },
      {
        level: 'warn',
        message: 'Slack post will be retried',
        extra: [{ part: 2, of: 2, attempt: 2, reason: 'HTTP 429 rate_limited', waitMs: 40 }],
      },
    ]);
    expectNoUrlIn(logTexts(), slack.url);
  });

  it('passes the delivery options through: maxAttempts bounds the requests', async () => {
    slack.answer({ status: 503, body: 'service_unavailable' });

    const outcome = await deliverAll(messages, setup({ maxAttempts: 2 }));

    expect(outcome).toEqual({
      delivered: false,
      posts: [],
      reason: 'Slack delivery failed after 2 attempts; last: HTTP 503 service_unavailable',
      unconfirmed: 0,
    });
    expect(slack.posts).toHaveLength(2);
  });

  it('passes the deadline through: a deadline already past → delivered:false, no request', async () => {
    const outcome = await deliverAll(messages, setup({ deadline: Date.now() - 1 }));

    expect(outcome).toEqual({
      delivered: false,
      posts: [],
      reason: 'Slack delivery ran out of time before attempt 1',
      unconfirmed: 0,
    });
    expect(slack.posts).toHaveLength(0);
  });

  it('connection refused → retried, logged, delivered:false; no log or reason holds the URL', async () => {
    const url = await refusedUrl();

    const outcome = await deliverAll(messages, setup({ webhookUrl: fixedWebhookUrl(url) }));

    expect(outcome.delivered).toBe(false);
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(2);
    expectNoUrlIn([...logTexts(), JSON.stringify(outcome)], url);
  });

  it('a timeout → retried, logged, delivered:false; no log or reason holds the URL', async () => {
    slack.answer({ status: 200, delayMs: 5_000 });

    const outcome = await deliverAll(messages, setup({ attemptTimeoutMs: 100, maxAttempts: 2 }));

    expect(outcome.delivered).toBe(false);
    expect(slack.posts).toHaveLength(2);
    expect(log.entries.map((e) => e.level)).toEqual(['warn', 'error']);
    expectNoUrlIn([...logTexts(), JSON.stringify(outcome)], slack.url);
  });

  it('with the real Powertools logger: retries and failures printed as JSON, none holding the URL', async () => {
    slack.answer({ status: 500, body: 'internal_error' }, { status: 404, body: 'no_service' });
    // Powertools prints through its own node:console on the process streams (warn/error to stderr).
    const printed: string[] = [];
    const capture = (chunk: string | Uint8Array) => {
      printed.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    };
    const spies = [
      jest.spyOn(process.stdout, 'write').mockImplementation(capture),
      jest.spyOn(process.stderr, 'write').mockImplementation(capture),
    ];
    let outcome;
    try {
      outcome = await deliverAll(messages, setup({ logger: createLogger('deliver-test') }));
    } finally {
      for (const spy of spies) spy.mockRestore();
    }

    expect(outcome).toMatchObject({ delivered: false, reason: 'Slack rejected the message: HTTP 404 no_service' });
    const records = printed
      .join('')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((r) => [r.level, r.message])).toEqual([
      ['WARN', 'Slack post will be retried'],
      ['ERROR', 'Slack post failed'],
    ]);
    expect(records[0]).toMatchObject({
      service: 'deliver-test',
      part: 1,
      attempt: 1,
      reason: 'HTTP 500 internal_error',
    });
    expectNoUrlIn(printed, slack.url);
  });
});

describe('deadlineOf', () => {
  const clock = (remaining: number) => ({ getRemainingTimeInMillis: () => remaining });

  it('is now plus the remaining time minus the margin', () => {
    expect(DEADLINE_MARGIN_MS).toBe(3_000);
    expect(deadlineOf(clock(10_000), 1_000_000)).toBe(1_000_000 + 10_000 - DEADLINE_MARGIN_MS);
    expect(deadlineOf(clock(60_000), 5)).toBe(5 + 57_000);
  });

  it('never lies before now when less than the margin remains', () => {
    expect(deadlineOf(clock(DEADLINE_MARGIN_MS), 1_000)).toBe(1_000);
    expect(deadlineOf(clock(1_000), 1_000)).toBe(1_000);
    expect(deadlineOf(clock(0), 1_000)).toBe(1_000);
  });

  it('defaults now to the current time', () => {
    const before = Date.now();
    const deadline = deadlineOf(clock(10_000));
    const after = Date.now();
    expect(deadline).toBeGreaterThanOrEqual(before + 7_000);
    expect(deadline).toBeLessThanOrEqual(after + 7_000);
  });
});
