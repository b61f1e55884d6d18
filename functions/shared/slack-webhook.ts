// Posts one message to a Slack incoming webhook. Waits out 429 (Retry-After) and retries 5xx,
// timeouts and connection errors with backoff, all before a deadline; any other answer is final.
// Errors never carry the webhook URL (it is a secret): only status, Slack's error code and counts.
import type { KnownBlock, MessageAttachment } from '@slack/types';

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
}

/** `rejected`: Slack refused for good (4xx); `exhausted`: retries used up; `deadline`: out of time. */
export type DeliveryFailure = 'rejected' | 'exhausted' | 'deadline';

export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  constructor(
    message: string,
    readonly failure: DeliveryFailure,
    readonly attempts: number,
    readonly status?: number,
    /** Slack's error code from the response body, e.g. `invalid_payload`, `no_service`. */
    readonly slackError?: string,
  ) {
    super(message);
  }
}

export const DELIVERY_DEFAULTS = {
  maxAttempts: 6,
  attemptTimeoutMs: 10_000,
  baseBackoffMs: 500,
  maxBackoffMs: 8_000,
} as const;

type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'final'; status: number; slackError: string }
  | { kind: 'retry'; reason: string; status?: number; slackError?: string; retryAfterMs?: number };

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
  };
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = options.random ?? Math.random;
  const body = JSON.stringify(message);
  let waitedMs = 0;

  for (let attempt = 1; ; attempt++) {
    const remaining = settings.deadline - now();
    if (remaining <= 0) {
      throw new SlackDeliveryError(`Slack delivery ran out of time before attempt ${attempt}`, 'deadline', attempt - 1);
    }
    const outcome = await attemptPost(webhookUrl, body, Math.min(settings.attemptTimeoutMs, remaining));
    if (outcome.kind === 'delivered') return { status: outcome.status, attempts: attempt, waitedMs };
    if (outcome.kind === 'final') {
      throw new SlackDeliveryError(
        `Slack rejected the message: HTTP ${outcome.status} ${outcome.slackError}`.trim(),
        'rejected',
        attempt,
        outcome.status,
        outcome.slackError || undefined,
      );
    }
    if (attempt >= settings.maxAttempts) {
      throw new SlackDeliveryError(
        `Slack delivery failed after ${attempt} attempts; last: ${outcome.reason}`,
        'exhausted',
        attempt,
        outcome.status,
        outcome.slackError || undefined,
      );
    }
    const backoff = Math.min(settings.maxBackoffMs, settings.baseBackoffMs * 2 ** (attempt - 1));
    const waitMs = outcome.retryAfterMs ?? Math.round(backoff * (0.5 + random() / 2));
    if (now() + waitMs >= settings.deadline) {
      throw new SlackDeliveryError(
        `Slack delivery gave up: ${outcome.reason}, and waiting ${waitMs} ms would pass the deadline`,
        'deadline',
        attempt,
        outcome.status,
        outcome.slackError || undefined,
      );
    }
    options.onRetry?.({ attempt, reason: outcome.reason, waitMs });
    await sleep(waitMs);
    waitedMs += waitMs;
  }
}

async function attemptPost(webhookUrl: string, body: string, timeoutMs: number): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return { kind: 'retry', reason: describeNetworkError(error, timeoutMs) };
  }
  const slackError = (await response.text().catch(() => '')).trim().slice(0, 200);
  const status = response.status;
  if (status >= 200 && status < 300) return { kind: 'delivered', status };
  if (status === 429) {
    return {
      kind: 'retry',
      reason: `HTTP 429 ${slackError}`.trim(),
      status,
      slackError,
      retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
    };
  }
  if (status >= 500) {
    const retryAfter = retryAfterMs(response.headers.get('retry-after'));
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

/** Names the failure without the URL (undici puts only host and port in its causes). */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  // Duck-typed: fetch's errors come from Node's own realm, where `instanceof Error` can be false.
  const { name, cause } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    cause?: { code?: unknown };
  };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code ? `connection failed (${code})` : 'connection failed';
}
