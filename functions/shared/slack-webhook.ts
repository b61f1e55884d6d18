// Posts one message to a Slack incoming webhook. Waits out 429 (Retry-After) and retries 5xx and
// connection errors with backoff, all before a deadline; any other answer is final.
// "Maybe delivered": an attempt whose request was sent but got no status (a timeout, a connection
// lost after sending) may have been posted, and Slack webhooks have no idempotency key. Such an
// attempt is retried at most once by default (`maxUnconfirmed`), and every later attempt carries the
// "may repeat" note. Errors never carry the webhook URL (it is a secret): only status, Slack's error
// code and counts.
import type { KnownBlock, MessageAttachment } from '@slack/types';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { withRepeatNote } from './repeat-note';

export interface SlackMessage {
  /** Plain-text fallback: notifications, screen readers, clients without Block Kit. */
  text: string;
  blocks?: KnownBlock[];
  attachments?: MessageAttachment[];
}

export interface DeliveryOptions {
  /** Epoch ms: no attempt starts and no wait runs past it (the Lambda deadline minus a margin). */
  deadline: number;
  maxAttempts?: number;
  attemptTimeoutMs?: number;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Attempts that may have been posted (sent, no status) before giving up with `unconfirmed`; the
   * default 2 retries such an attempt once. Callers that know of earlier maybe-posts pass fewer.
   */
  maxUnconfirmed?: number;
  /** The message may already be in the channel (an earlier maybe-post): every attempt carries the note. */
  mayRepeat?: boolean;
  /**
   * Before each attempt is sent: records it as a copy Slack may post. A throw stops the delivery
   * unsent (`unrecorded`). Counting before sending is what lets the count survive a crash after it.
   */
  beforeSend?: () => Promise<void>;
  /** After an attempt Slack did not post (it answered with a status other than 2xx, or was never sent). */
  notPosted?: () => Promise<void>;
  /** Seams for tests; real timers and clock by default. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  random?: () => number;
  onRetry?: (retry: RetryNotice) => void;
}

export interface RetryNotice {
  attempt: number;
  reason: string;
  waitMs: number;
}

export interface DeliveryReport {
  status: number;
  attempts: number;
  waitedMs: number;
  /** Earlier attempts of this call that may have been posted (the delivered one carried the note). */
  unconfirmed?: number;
}

/**
 * `rejected`: Slack refused for good (4xx); `exhausted`: retries used up; `deadline`: out of time;
 * `unconfirmed`: `maxUnconfirmed` attempts were sent without an answer: not tried again;
 * `unrecorded`: the attempt could not be recorded (`beforeSend`, `notPosted` failed): not sent (again).
 */
export type DeliveryFailure = 'rejected' | 'exhausted' | 'deadline' | 'unconfirmed' | 'unrecorded';

export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  constructor(
    message: string,
    readonly failure: DeliveryFailure,
    readonly attempts: number,
    readonly status?: number,
    /** Slack's error code from the response body, e.g. `invalid_payload`, `no_service`. */
    readonly slackError?: string,
    /** Attempts that were sent and got no answer: Slack may have posted the message this many times. */
    readonly unconfirmed = 0,
  ) {
    super(message);
  }
}

export const DELIVERY_DEFAULTS = {
  maxAttempts: 6,
  attemptTimeoutMs: 10_000,
  baseBackoffMs: 500,
  maxBackoffMs: 8_000,
  maxUnconfirmed: 2,
} as const;

type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'final'; status: number; slackError: string }
  | { kind: 'retry'; reason: string; status?: number; slackError?: string; retryAfterMs?: number }
  /** Sent, then no status: Slack may have posted it. */
  | { kind: 'unconfirmed'; reason: string };

export async function postToSlack(
  webhookUrl: string,
  message: SlackMessage,
  options: DeliveryOptions,
): Promise<DeliveryReport> {
  // `??` per field: an option given as undefined keeps its default.
  const settings = {
    deadline: options.deadline,
    maxAttempts: options.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts,
    attemptTimeoutMs: options.attemptTimeoutMs ?? DELIVERY_DEFAULTS.attemptTimeoutMs,
    baseBackoffMs: options.baseBackoffMs ?? DELIVERY_DEFAULTS.baseBackoffMs,
    maxBackoffMs: options.maxBackoffMs ?? DELIVERY_DEFAULTS.maxBackoffMs,
    maxUnconfirmed: options.maxUnconfirmed ?? DELIVERY_DEFAULTS.maxUnconfirmed,
  };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  let body = JSON.stringify(options.mayRepeat ? withRepeatNote(message) : message);
  let waitedMs = 0;
  let unconfirmed = 0;

  for (let attempt = 1; ; attempt++) {
    const remaining = settings.deadline - now();
    if (remaining <= 0) {
      throw new SlackDeliveryError(
        `Slack delivery ran out of time before attempt ${attempt}`,
        'deadline',
        attempt - 1,
        undefined,
        undefined,
        unconfirmed,
      );
    }
    if (options.beforeSend) {
      try {
        await options.beforeSend();
      } catch (error) {
        throw unrecorded(
          `not sent: the attempt could not be recorded first (${describeError(error)})`,
          attempt - 1,
          unconfirmed,
        );
      }
    }
    const outcome = await attemptPost(webhookUrl, body, Math.min(settings.attemptTimeoutMs, remaining));
    if ((outcome.kind === 'final' || outcome.kind === 'retry') && options.notPosted) {
      try {
        await options.notPosted();
      } catch (error) {
        // A refusal stays the reason; otherwise stop: the next attempt would be counted on a stale record.
        if (outcome.kind === 'retry') {
          throw unrecorded(
            `${outcome.reason}, and recording that it was not posted failed (${describeError(error)})`,
            attempt,
            unconfirmed,
          );
        }
      }
    }
    if (outcome.kind === 'delivered') {
      return { status: outcome.status, attempts: attempt, waitedMs, ...(unconfirmed > 0 ? { unconfirmed } : {}) };
    }
    if (outcome.kind === 'final') {
      throw new SlackDeliveryError(
        `Slack rejected the message: HTTP ${outcome.status} ${outcome.slackError}`.trim(),
        'rejected',
        attempt,
        outcome.status,
        outcome.slackError || undefined,
        unconfirmed,
      );
    }
    const status = outcome.kind === 'retry' ? outcome.status : undefined;
    const slackError = (outcome.kind === 'retry' ? outcome.slackError : undefined) || undefined;
    if (outcome.kind === 'unconfirmed') {
      unconfirmed += 1;
      // From now on the message may already be in the channel: any further copy says so.
      body = JSON.stringify(withRepeatNote(message));
      if (unconfirmed >= settings.maxUnconfirmed) {
        throw new SlackDeliveryError(
          `Slack may have posted the message: ${unconfirmed} attempt(s) were sent and got no answer (last: ${outcome.reason}); not sent again, to avoid more copies`,
          'unconfirmed',
          attempt,
          undefined,
          undefined,
          unconfirmed,
        );
      }
    }
    if (attempt >= settings.maxAttempts) {
      throw new SlackDeliveryError(
        `Slack delivery failed after ${attempt} attempts; last: ${outcome.reason}`,
        'exhausted',
        attempt,
        status,
        slackError,
        unconfirmed,
      );
    }
    const backoff = Math.min(settings.maxBackoffMs, settings.baseBackoffMs * 2 ** (attempt - 1));
    const retryAfter = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
    const waitMs = retryAfter ?? Math.round(backoff * (0.5 + random() / 2));
    if (now() + waitMs >= settings.deadline) {
      throw new SlackDeliveryError(
        `Slack delivery gave up: ${outcome.reason}, and waiting ${waitMs} ms would pass the deadline`,
        'deadline',
        attempt,
        status,
        slackError,
        unconfirmed,
      );
    }
    options.onRetry?.({ attempt, reason: outcome.reason, waitMs });
    await sleep(waitMs);
    waitedMs += waitMs;
  }
}

function unrecorded(message: string, attempts: number, unconfirmed: number): SlackDeliveryError {
  return new SlackDeliveryError(message, 'unrecorded', attempts, undefined, undefined, unconfirmed);
}

/** `Name: message` of an error from any realm (AWS SDK errors under jest fail `instanceof Error`). */
export function describeError(error: unknown): string {
  const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
  };
  return typeof message === 'string' ? `${typeof name === 'string' ? name : 'Error'}: ${message}` : String(error);
}

/** How much of a response body is kept (Slack's answers are a word: `ok`, `no_service`). */
const MAX_ANSWER_BYTES = 4096;

/**
 * One POST over node:http(s), which tells whether the request was sent: an error before the body
 * was handed to the socket is a clean failure (Slack cannot have posted it); after, without a
 * status, it is `unconfirmed`. A new connection each time: a kept-alive socket closed by the server
 * between posts would fail after sending and read as a maybe-post.
 */
function attemptPost(webhookUrl: string, body: string, timeoutMs: number): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let url: URL;
    try {
      url = new URL(webhookUrl);
    } catch {
      resolve({ kind: 'retry', reason: 'connection failed (invalid URL)' });
      return;
    }
    let sent = false;
    let done = false;
    const settle = (outcome: Outcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const failed = (reason: string): Outcome => (sent ? { kind: 'unconfirmed', reason } : { kind: 'retry', reason });
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        // Once the status is here Slack has decided, even if the body is cut off or never ends.
        answered = () =>
          settle(classify(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), response.headers));
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', answered);
        response.on('error', answered);
        response.on('aborted', answered);
      },
    );
    let answered: (() => void) | undefined;
    request.on('finish', () => {
      sent = true;
    });
    request.on('error', (error) => (answered ? answered() : settle(failed(describeNetworkError(error, sent)))));
    const timer = setTimeout(() => {
      if (answered) answered();
      else settle(failed(`no answer within ${timeoutMs} ms`));
      request.destroy();
    }, timeoutMs);
    request.end(body);
  });
}

function classify(status: number, text: string, headers: IncomingHttpHeaders): Outcome {
  const slackError = text.trim().slice(0, 200);
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  const header: unknown = headers['retry-after'];
  const retryAfter = retryAfterMs(typeof header === 'string' ? header : null);
  if (status === 429 || status >= 500) {
    return {
      kind: 'retry',
      reason: `HTTP ${status} ${slackError}`.trim(),
      status,
      slackError,
      retryAfterMs: retryAfter,
    };
  }
  return { kind: 'final', status, slackError };
}

/** An HTTP date (RFC 9110 IMF-fixdate), e.g. `Wed, 21 Oct 2015 07:28:00 GMT`. */
const HTTP_DATE = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** Retry-After as whole seconds or an HTTP date; undefined when absent or malformed. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  if (!HTTP_DATE.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Names the failure without the URL (Node's connection errors carry only a code and host:port). */
function describeNetworkError(error: unknown, sent: boolean): string {
  // Duck-typed: errors from Node's own realm fail `instanceof Error` under jest.
  const { code } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown };
  const name = typeof code === 'string' ? ` (${code})` : '';
  return sent ? `connection lost after the request was sent${name}` : `connection failed${name}`;
}
