// postToSlack against a real HTTP server on 127.0.0.1 (no fetch mocks): every fault Slack or the
// network can produce, the outcome each must have, what goes over the wire, and that no error ever
// carries the webhook URL (a secret). Backoffs and timeouts are shrunk through the options.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  type DeliveryOptions,
  type DeliveryReport,
  postToSlack,
  type RetryNotice,
  retryAfterMs,
  SlackDeliveryError,
  type SlackMessage,
} from '../functions/shared/slack-webhook';
import { MAY_REPEAT_NOTE } from '../functions/shared/repeat-note';
import { type FakeSlack, recordWait, refusedUrl, startFakeSlack, WEBHOOK_PATH } from './support/slack-server';
import { describeProcess } from './support/tiers';

const execFileAsync = promisify(execFile);
const SECRET_SEGMENT = WEBHOOK_PATH.split('/').pop() as string;

const message: SlackMessage = {
  text: '스케일 다운 완료: dev 클러스터 서비스 3개 — 모두 정상',
  blocks: [
    { type: 'section', text: { type: 'mrkdwn', text: '*스케일 다운* 완료 :white_check_mark: (한글 텍스트 확인)' } },
  ],
};

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack();
});
afterEach(async () => {
  await slack.close();
});

/** Small waits so the suite stays fast; `random: 1` makes the jittered backoff exactly the cap. */
function fast(overrides: Partial<DeliveryOptions> = {}): DeliveryOptions {
  return {
    deadline: Date.now() + 5_000,
    maxAttempts: 3,
    attemptTimeoutMs: 2_000,
    baseBackoffMs: 20,
    maxBackoffMs: 200,
    random: () => 1,
    ...overrides,
  };
}

/** Every text an error exposes: message, String(), stack and all enumerable fields. */
function exposedTexts(error: unknown): string[] {
  const e = error as Error & Record<string, unknown>;
  return [
    e.message,
    String(e),
    e.stack ?? '',
    JSON.stringify({ ...e }),
    ...Object.keys(e).map((key) => String(e[key])),
  ];
}

function expectNoSecret(texts: string[], url: string): void {
  for (const text of texts) {
    expect(text).not.toContain(url);
    expect(text).not.toContain(WEBHOOK_PATH);
    expect(text).not.toContain(SECRET_SEGMENT);
  }
}

/** The SlackDeliveryError a delivery fails with; fails the test if it succeeds or throws anything else. */
async function failureOf(promise: Promise<DeliveryReport>, url: string): Promise<SlackDeliveryError> {
  let report: DeliveryReport;
  try {
    report = await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SlackDeliveryError);
    expectNoSecret(exposedTexts(error), url);
    return error as SlackDeliveryError;
  }
  throw new Error(`expected the delivery to fail, it was delivered: ${JSON.stringify(report)}`);
}

/** Per request Slack received: whether it carried the "may repeat" note (text and first blocks). */
function noted(): boolean[] {
  return slack.posts.map((post) => {
    const body = post.json as SlackMessage;
    const inBlocks = JSON.stringify(body.blocks ?? []).includes(MAY_REPEAT_NOTE);
    expect(body.text.startsWith(MAY_REPEAT_NOTE)).toBe(inBlocks);
    return inBlocks;
  });
}

function gapsMs(): number[] {
  return slack.posts.slice(1).map((post, i) => post.receivedAt - (slack.posts[i]?.receivedAt ?? NaN));
}

describe('the request', () => {
  it('is a POST of the message as UTF-8 JSON to the webhook path (Korean text intact)', async () => {
    await postToSlack(slack.url, message, fast());

    expect(slack.posts).toHaveLength(1);
    const [post] = slack.posts;
    expect(post?.path).toBe(WEBHOOK_PATH);
    expect(post?.headers['content-type']).toMatch(/^application\/json\b/);
    expect(post?.headers['content-type']).toMatch(/charset=utf-8/i);
    expect(post?.json).toEqual(message);
    expect(post?.body).toBe(JSON.stringify(message));
    expect(post?.body).toContain('스케일 다운 완료');
    expect(Number(post?.headers['content-length'])).toBe(Buffer.byteLength(JSON.stringify(message), 'utf8'));
  });

  it('uses the POST method (checked on a probe server: the shared helper does not record methods)', async () => {
    const methods: string[] = [];
    const probe = createServer((request, response) => {
      methods.push(request.method ?? '');
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    try {
      await postToSlack(`http://127.0.0.1:${port}${WEBHOOK_PATH}`, message, fast());
    } finally {
      probe.closeAllConnections();
      await new Promise<void>((resolve) => probe.close(() => resolve()));
    }
    expect(methods).toEqual(['POST']);
  });
});

describe('fault matrix', () => {
  it('200 → delivered in 1 attempt, no retry', async () => {
    const retries: RetryNotice[] = [];
    const report = await postToSlack(slack.url, message, fast({ onRetry: (r) => retries.push(r) }));

    expect(report).toEqual({ status: 200, attempts: 1, waitedMs: 0 });
    expect(slack.posts).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('204 (any 2xx) → delivered', async () => {
    slack.answer({ status: 204 });
    await expect(postToSlack(slack.url, message, fast())).resolves.toEqual({ status: 204, attempts: 1, waitedMs: 0 });
  });

  it('429 with Retry-After: 1 then 200 → delivered on the 2nd request, which arrives ≥ 1000 ms later', async () => {
    slack.answer({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } }, { status: 200, body: 'ok' });
    const retries: RetryNotice[] = [];

    const report = await postToSlack(slack.url, message, fast({ onRetry: (r) => retries.push(r) }));

    expect(report).toEqual({ status: 200, attempts: 2, waitedMs: 1_000 });
    expect(slack.posts).toHaveLength(2);
    expect(gapsMs()[0]).toBeGreaterThanOrEqual(1_000);
    expect(retries).toEqual([{ attempt: 1, reason: 'HTTP 429 rate_limited', waitMs: 1_000 }]);
    expect(slack.posts[1]?.json).toEqual(message);
  });

  it('429 with Retry-After as an HTTP date → waits until that date', async () => {
    const waits: number[] = [];
    const at = new Date(Date.now() + 3_000).toUTCString(); // second precision: 2-3 s ahead
    slack.answer({ status: 429, headers: { 'retry-after': at } }, { status: 200 });

    const report = await postToSlack(
      slack.url,
      message,
      fast({ deadline: Date.now() + 10_000, sleep: (ms) => recordWait(waits, ms) }),
    );

    expect(report.attempts).toBe(2);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(1_000);
    expect(waits[0]).toBeLessThanOrEqual(3_000);
  });

  it('429 without Retry-After then 200 → retried after the jittered backoff', async () => {
    slack.answer({ status: 429, body: 'rate_limited' }, { status: 200 });
    const retries: RetryNotice[] = [];

    const report = await postToSlack(slack.url, message, fast({ baseBackoffMs: 80, onRetry: (r) => retries.push(r) }));

    expect(report).toEqual({ status: 200, attempts: 2, waitedMs: 80 });
    expect(retries).toEqual([{ attempt: 1, reason: 'HTTP 429 rate_limited', waitMs: 80 }]);
    expect(gapsMs()[0]).toBeGreaterThanOrEqual(80);
  });

  it('backoff doubles per attempt, is capped at maxBackoffMs and jittered down to half', async () => {
    slack.answer({ status: 429 });
    const waits: number[] = [];
    const options = {
      baseBackoffMs: 10,
      maxBackoffMs: 25,
      maxAttempts: 5,
      sleep: (ms: number) => recordWait(waits, ms),
    };

    const full = await failureOf(postToSlack(slack.url, message, fast({ ...options, random: () => 1 })), slack.url);
    expect(full.failure).toBe('exhausted');
    expect(waits).toEqual([10, 20, 25, 25]);

    waits.length = 0;
    await failureOf(postToSlack(slack.url, message, fast({ ...options, random: () => 0 })), slack.url);
    expect(waits).toEqual([5, 10, 13, 13]);
  });

  it('429 whose Retry-After exceeds the remaining deadline → fails fast with "deadline", without waiting', async () => {
    slack.answer({ status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } }, { status: 200 });
    const retries: RetryNotice[] = [];
    const started = Date.now();

    const error = await failureOf(
      postToSlack(slack.url, message, fast({ deadline: Date.now() + 3_000, onRetry: (r) => retries.push(r) })),
      slack.url,
    );

    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error.failure).toBe('deadline');
    expect(error.attempts).toBe(1);
    expect(error.status).toBe(429);
    expect(error.slackError).toBe('rate_limited');
    expect(error.message).toMatch(/30000 ms would pass the deadline/);
    expect(slack.posts).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it('500 then 200 → delivered on the 2nd attempt', async () => {
    slack.answer({ status: 500, body: 'internal_error' }, { status: 200 });
    const report = await postToSlack(slack.url, message, fast());

    expect(report).toEqual({ status: 200, attempts: 2, waitedMs: 20 });
    expect(slack.posts).toHaveLength(2);
  });

  it('503 with Retry-After → waits what the server asks, not the backoff', async () => {
    const waits: number[] = [];
    slack.answer({ status: 503, headers: { 'retry-after': '2' } }, { status: 200 });
    const report = await postToSlack(slack.url, message, fast({ sleep: (ms) => recordWait(waits, ms) }));

    expect(report.attempts).toBe(2);
    expect(waits).toEqual([2_000]);
  });

  it('persistent 500 → "exhausted" after exactly maxAttempts requests', async () => {
    slack.answer({ status: 500, body: 'internal_error' });
    const retries: RetryNotice[] = [];

    const error = await failureOf(
      postToSlack(slack.url, message, fast({ maxAttempts: 4, onRetry: (r) => retries.push(r) })),
      slack.url,
    );

    expect(error.failure).toBe('exhausted');
    expect(error.attempts).toBe(4);
    expect(error.status).toBe(500);
    expect(error.slackError).toBe('internal_error');
    expect(error.message).toBe('Slack delivery failed after 4 attempts; last: HTTP 500 internal_error');
    expect(slack.posts).toHaveLength(4);
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(retries.map((r) => r.waitMs)).toEqual([20, 40, 80]);
  });

  it('persistent 500 with a short deadline → "deadline" before maxAttempts', async () => {
    slack.answer({ status: 500, body: 'internal_error' });
    const started = Date.now();
    const deadline = started + 250;

    // A backoff far longer than the time left: waiting it out would overshoot the deadline by seconds.
    const error = await failureOf(
      postToSlack(slack.url, message, fast({ deadline, maxAttempts: 50, baseBackoffMs: 5_000, maxBackoffMs: 10_000 })),
      slack.url,
    );

    expect(error.failure).toBe('deadline');
    expect(error.attempts).toBeLessThan(50);
    expect(error.attempts).toBeGreaterThanOrEqual(1);
    expect(slack.posts).toHaveLength(error.attempts);
    expect(Date.now()).toBeLessThan(deadline + 3_000);
  });

  it.each([
    [400, 'invalid_payload'],
    [403, 'invalid_token'],
    [404, 'no_service'],
    [410, 'channel_is_archived'],
  ])('%i %s → "rejected" after exactly 1 request, with status and slackError', async (status, code) => {
    slack.answer({ status, body: code }, { status: 200 });
    const retries: RetryNotice[] = [];

    const error = await failureOf(
      postToSlack(slack.url, message, fast({ onRetry: (r) => retries.push(r) })),
      slack.url,
    );

    expect(error.failure).toBe('rejected');
    expect(error.attempts).toBe(1);
    expect(error.status).toBe(status);
    expect(error.slackError).toBe(code);
    expect(error.message).toBe(`Slack rejected the message: HTTP ${status} ${code}`);
    expect(slack.posts).toHaveLength(1);
    expect(retries).toEqual([]);
  });

  it.each([301, 302, 303, 307, 308])('%i redirect → "rejected", the redirect is not followed', async (status) => {
    slack.answer({ status, headers: { location: `${WEBHOOK_PATH}/elsewhere` } }, { status: 200 });

    const error = await failureOf(postToSlack(slack.url, message, fast()), slack.url);

    expect(error.failure).toBe('rejected');
    expect(error.status).toBe(status);
    expect(error.slackError).toBeUndefined();
    expect(error.attempts).toBe(1);
    expect(slack.posts).toHaveLength(1);
  });

  it('connection refused → retried up to maxAttempts, then "exhausted" with no status', async () => {
    const url = await refusedUrl();
    const retries: RetryNotice[] = [];

    const error = await failureOf(postToSlack(url, message, fast({ onRetry: (r) => retries.push(r) })), url);

    expect(error.failure).toBe('exhausted');
    expect(error.attempts).toBe(3);
    expect(error.status).toBeUndefined();
    expect(error.message).toMatch(/^Slack delivery failed after 3 attempts; last: connection failed/);
    expect(retries).toHaveLength(2);
    for (const retry of retries) expect(retry.reason).toMatch(/^connection failed/);
    expect(retries.map((r) => r.waitMs)).toEqual([20, 40]);
    expectNoSecret(
      retries.map((r) => JSON.stringify(r)),
      url,
    );
  });

  it('a server that never answers within attemptTimeoutMs → maybe posted: retried once, with the note, then "unconfirmed"', async () => {
    slack.answer({ status: 200, delayMs: 60_000 });
    const retries: RetryNotice[] = [];
    const started = Date.now();

    const error = await failureOf(
      postToSlack(slack.url, message, fast({ attemptTimeoutMs: 150, maxAttempts: 5, onRetry: (r) => retries.push(r) })),
      slack.url,
    );

    expect(Date.now() - started).toBeLessThan(15_000); // not the server's 60 s
    expect(error.failure).toBe('unconfirmed');
    expect(error.unconfirmed).toBe(2);
    expect(error.attempts).toBe(2);
    expect(slack.posts).toHaveLength(2);
    expect(noted()).toEqual([false, true]);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.waitMs).toBe(20);
    expect(error.message).toMatch(/^Slack may have posted the message: 2 attempt\(s\) were sent and got no answer/);
  });

  it('a slow answer followed by a prompt one → delivered on the retry, which carries the note', async () => {
    slack.answer({ status: 200, delayMs: 60_000 }, { status: 200 });
    // Long enough for a prompt local answer on a loaded machine, far below the slow one's 60 s.
    const report = await postToSlack(slack.url, message, fast({ attemptTimeoutMs: 2_000 }));
    expect(report).toEqual({ status: 200, attempts: 2, waitedMs: 20, unconfirmed: 1 });
    expect(noted()).toEqual([false, true]);
  });

  it('an attempt is cut at the deadline even when attemptTimeoutMs is longer → "deadline"', async () => {
    slack.answer({ status: 200, delayMs: 60_000 });
    const started = Date.now();

    const error = await failureOf(
      postToSlack(slack.url, message, fast({ deadline: started + 200, attemptTimeoutMs: 30_000, maxAttempts: 5 })),
      slack.url,
    );

    expect(error.failure).toBe('deadline');
    expect(Date.now() - started).toBeLessThan(10_000); // not the attempt timeout's 30 s
  });

  it('a deadline already past → "deadline" with 0 attempts and no request', async () => {
    const error = await failureOf(postToSlack(slack.url, message, fast({ deadline: Date.now() - 1 })), slack.url);

    expect(error.failure).toBe('deadline');
    expect(error.attempts).toBe(0);
    expect(slack.posts).toHaveLength(0);
  });
});

// Slack webhooks have no idempotency key: a post sent without an answer may be in the channel.
describe('maybe delivered (sent, no answer)', () => {
  it('Slack takes the post and drops the connection every time → 2 posts, the 2nd with the note, then "unconfirmed"', async () => {
    slack.answer({ status: 200, drop: true });

    const error = await failureOf(postToSlack(slack.url, message, fast({ maxAttempts: 6 })), slack.url);

    expect(error.failure).toBe('unconfirmed');
    expect(error.unconfirmed).toBe(2);
    expect(error.status).toBeUndefined();
    expect(slack.posts).toHaveLength(2);
    expect(noted()).toEqual([false, true]);
    expect(slack.posts[1]?.json).toMatchObject({ blocks: [{ type: 'context' }, ...(message.blocks ?? [])] });
  });

  it('dropped, then 200 → delivered on the 2nd post, which carries the note', async () => {
    slack.answer({ status: 200, drop: true }, { status: 200 });

    const report = await postToSlack(slack.url, message, fast());

    expect(report).toEqual({ status: 200, attempts: 2, waitedMs: 20, unconfirmed: 1 });
    expect(noted()).toEqual([false, true]);
  });

  it('a clean refusal between two drops does not count: drop, 500, drop → 3 requests, 2 maybe-posts, then "unconfirmed"', async () => {
    slack.answer({ status: 200, drop: true }, { status: 500, body: 'internal_error' }, { status: 200, drop: true });

    const error = await failureOf(postToSlack(slack.url, message, fast({ maxAttempts: 6 })), slack.url);

    expect(error.failure).toBe('unconfirmed');
    expect(error.unconfirmed).toBe(2);
    expect(slack.posts).toHaveLength(3);
    expect(noted()).toEqual([false, true, true]);
  });

  it("a clean failure keeps today's behaviour: 500 then 200 → no note; connection refused → retried to maxAttempts, nothing unconfirmed", async () => {
    slack.answer({ status: 500 }, { status: 200 });
    expect(await postToSlack(slack.url, message, fast())).toEqual({ status: 200, attempts: 2, waitedMs: 20 });
    expect(noted()).toEqual([false, false]);

    const url = await refusedUrl();
    const error = await failureOf(postToSlack(url, message, fast({ maxAttempts: 4 })), url);
    expect(error).toMatchObject({ failure: 'exhausted', attempts: 4, unconfirmed: 0 });
  });

  it('maxUnconfirmed: 1 (a maybe-post happened before) → one drop ends it, with no second request', async () => {
    slack.answer({ status: 200, drop: true });

    const error = await failureOf(
      postToSlack(slack.url, message, fast({ maxUnconfirmed: 1, mayRepeat: true })),
      slack.url,
    );

    expect(error).toMatchObject({ failure: 'unconfirmed', unconfirmed: 1, attempts: 1 });
    expect(noted()).toEqual([true]);
  });

  it("a status that arrives with a body that never ends is Slack's answer, not a maybe-post", async () => {
    const stalled = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.write('o'); // and never ends
      });
    });
    await new Promise<void>((done) => stalled.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}${WEBHOOK_PATH}`;
    try {
      expect(await postToSlack(url, message, fast({ attemptTimeoutMs: 150 }))).toEqual({
        status: 200,
        attempts: 1,
        waitedMs: 0,
      });
    } finally {
      stalled.closeAllConnections();
      await new Promise<void>((done) => stalled.close(() => done()));
    }
  });

  it('mayRepeat: every attempt carries the note, from the first', async () => {
    slack.answer({ status: 500 }, { status: 200 });
    await postToSlack(slack.url, message, fast({ mayRepeat: true }));
    expect(noted()).toEqual([true, true]);
  });

  it('a message without blocks (the alert) gets the note at the top of its text', async () => {
    slack.answer({ status: 200, drop: true }, { status: 200 });
    const alert: SlackMessage = {
      text: '🚨 *[OTT 인프라 감지]* 상태가 *ALARM*로 변경되었습니다.',
      attachments: [{ color: '#eb4034' }],
    };

    await postToSlack(slack.url, alert, fast());

    expect(slack.posts.map((post) => (post.json as SlackMessage).text)).toEqual([
      alert.text,
      `${MAY_REPEAT_NOTE}\n${alert.text}`,
    ]);
  });
});

// The types allow `undefined` (exactOptionalPropertyTypes is off); a spread of defaults would let it win.
describe('options given as undefined', () => {
  it('attemptTimeoutMs: undefined falls back to the default (a NaN timeout would send nothing)', async () => {
    const report = await postToSlack(slack.url, message, fast({ attemptTimeoutMs: undefined }));

    expect(report).toEqual({ status: 200, attempts: 1, waitedMs: 0 });
    expect(slack.posts).toHaveLength(1);
  });

  it('maxAttempts: undefined falls back to the default 6 (not retries until the deadline)', async () => {
    slack.answer({ status: 500, body: 'internal_error' });

    const error = await failureOf(
      postToSlack(
        slack.url,
        message,
        // A deadline with room for hundreds of 1 ms retries: only maxAttempts' default stops at 6.
        fast({ maxAttempts: undefined, baseBackoffMs: 1, maxBackoffMs: 1, deadline: Date.now() + 20_000 }),
      ),
      slack.url,
    );

    expect(error.failure).toBe('exhausted');
    expect(error.attempts).toBe(6);
    expect(slack.posts).toHaveLength(6);
  });
});

// Under jest, fetch and its errors come from Node's realm while the code under test runs in jest's vm
// context, so its `error instanceof Error` checks are false and every network failure reads as a bare
// "connection failed". Lambda runs a single realm: check the exact reason texts there, in a child node.
describeProcess('network failure reasons, in a plain Node realm', () => {
  it('name ECONNREFUSED and the attempt timeout, never the address', async () => {
    const script = `
      const { postToSlack } = require(${JSON.stringify(require.resolve('../functions/shared/slack-webhook'))});
      const { refusedUrl, startFakeSlack } = require(${JSON.stringify(require.resolve('./support/slack-server'))});
      (async () => {
        const out = [];
        const refused = await refusedUrl();
        const slack = await startFakeSlack();
        slack.answer({ status: 200, delayMs: 5000 });
        for (const [url, attemptTimeoutMs] of [[refused, 2000], [slack.url, 150]]) {
          await postToSlack(url, { text: 'x' }, { deadline: Date.now() + 3000, maxAttempts: 1, attemptTimeoutMs })
            .then(() => out.push('delivered'), (e) => out.push(e.message));
        }
        await slack.close();
        process.stdout.write(JSON.stringify({ out, urls: [refused, slack.url] }));
      })();
    `;
    const { stdout } = await execFileAsync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
      cwd: resolve(__dirname, '..'),
      timeout: 50_000,
    });
    const { out, urls } = JSON.parse(stdout) as { out: string[]; urls: string[] };

    expect(out).toEqual([
      'Slack delivery failed after 1 attempts; last: connection failed (ECONNREFUSED)',
      'Slack delivery failed after 1 attempts; last: no answer within 150 ms',
    ]);
    for (const url of urls) expectNoSecret(out, url);
  });
});

describe('retryAfterMs', () => {
  const now = Date.UTC(2030, 0, 1, 0, 0, 0);

  it('reads delay-seconds', () => {
    expect(retryAfterMs('1', now)).toBe(1_000);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs(' 120 ', now)).toBe(120_000);
  });

  it('reads an HTTP date as the time left until it, never negative', () => {
    expect(retryAfterMs('Tue, 01 Jan 2030 00:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterMs(new Date(now + 42_000).toUTCString(), now)).toBe(42_000);
    expect(retryAfterMs('Mon, 31 Dec 2029 23:59:00 GMT', now)).toBe(0);
  });

  it('is undefined for an absent or empty header', () => {
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('', now)).toBeUndefined();
    expect(retryAfterMs('   ', now)).toBeUndefined();
  });

  it('is undefined for garbage', () => {
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('1e3', now)).toBeUndefined();
    expect(retryAfterMs('12abc', now)).toBeUndefined();
  });

  // V8's lenient Date.parse reads "1.5", "-1", "+5" and "abc 12" as dates in 2001: they must not
  // become 0 ms (retry at once, no backoff).
  it.each(['1.5', '-1', '+5', 'abc 12'])(
    'is undefined for %j, which only a lenient Date.parse reads as a (past) date',
    (header) => {
      expect(retryAfterMs(header, now)).toBeUndefined();
    },
  );
});
