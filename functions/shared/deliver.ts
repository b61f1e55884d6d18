// One delivery run shared by every function: resolve the webhook URL, post each message in order,
// and report a failure (never throw) so the caller can hand its records back for a retry.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { RefusalReporter } from './slack-refusal';
import {
  DELIVERY_DEFAULTS,
  type DeliveryOptions,
  type DeliveryReport,
  describeError,
  postToSlack,
  SlackDeliveryError,
  type SlackMessage,
} from './slack-webhook';
import type { WebhookUrlSource } from './webhook-url';

/** Time kept back from the Lambda timeout for reporting the outcome. */
export const DEADLINE_MARGIN_MS = 3_000;

export interface InvocationClock {
  getRemainingTimeInMillis(): number;
}

export function deadlineOf(context: InvocationClock, now: number = Date.now()): number {
  return now + Math.max(0, context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS);
}

export type DeliveryOutcome =
  | { delivered: true; posts: DeliveryReport[] }
  | {
      delivered: false;
      posts: DeliveryReport[];
      reason: string;
      /** Attempts of the failed part that were sent without an answer: Slack may have posted it. */
      unconfirmed: number;
      /** Slack refused for good (a 4xx but 429): retrying cannot heal it. */
      rejected?: true;
    };

/** At most this many copies of one message may reach Slack in any single fault (the 2nd says so). */
export const MAX_MAYBE_POSTS = DELIVERY_DEFAULTS.maxUnconfirmed;

/** What is known of one part (message) of a post. */
export interface PartState {
  /** Copies that may be in Slack: sent (or about to be) and neither confirmed nor refused. */
  maybe: number;
  /** Slack took it: not sent again. */
  delivered: boolean;
}

/**
 * Where a delivery records each attempt, so that a later invocation knows what Slack may hold:
 * an attempt is reserved before it is sent and released only once Slack says it did not post it,
 * so a crash or a failed write anywhere leaves the count too high, never too low.
 */
export interface DeliveryLedger {
  /** One per message, in order, as recorded; deliverAll keeps it up to date. */
  parts: PartState[];
  /** Before sending part `index` (0-based): counts one more copy that may be posted; throws if not recorded. */
  reserve(index: number): Promise<void>;
  /** Slack did not post that attempt. */
  unreserve(index: number): Promise<void>;
  /** Slack took part `index`. */
  confirm(index: number): Promise<void>;
}

export interface DeliverySetup extends Omit<DeliveryOptions, 'deadline' | 'onRetry'> {
  webhookUrl: WebhookUrlSource;
  deadline: number;
  logger: Logger;
  /** Records each part's attempts; without one, each message is posted as if for the first time. */
  ledger?: DeliveryLedger;
  /** Told of a refusal that retrying cannot heal (slack-refusal.ts). */
  onRejected?: RefusalReporter;
}

export async function deliverAll(messages: SlackMessage[], setup: DeliverySetup): Promise<DeliveryOutcome> {
  const { webhookUrl, logger, ledger, onRejected, ...options } = setup;
  const posts: DeliveryReport[] = [];
  let url: string;
  try {
    url = await webhookUrl();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    logger.error('Slack webhook URL unavailable', { reason });
    return { delivered: false, posts, reason, unconfirmed: 0 };
  }
  for (const [index, message] of messages.entries()) {
    const at = { part: index + 1, of: messages.length };
    const part = ledger?.parts[index] ?? { maybe: 0, delivered: false };
    if (part.delivered) {
      logger.info('Slack post delivered before; not sent again', at);
      continue;
    }
    if (part.maybe >= MAX_MAYBE_POSTS) {
      // Slack may hold it twice already: a third copy would teach people to ignore the channel.
      const reason = `may already be in Slack ${part.maybe} times (sent, no answer, or its sender stopped); not posted again: check the channel (help/troubleshooting.md)`;
      logger.error('Slack post not sent again', { ...at, reason });
      return { delivered: false, posts, reason, unconfirmed: 0 };
    }
    try {
      const report = await postToSlack(url, message, {
        ...options,
        ...(ledger
          ? {
              // One maybe-post in all is retried once; every copy after a maybe-post carries the note.
              maxUnconfirmed: MAX_MAYBE_POSTS - part.maybe,
              mayRepeat: part.maybe > 0,
              beforeSend: async () => {
                await ledger.reserve(index);
                part.maybe += 1;
              },
              notPosted: async () => {
                await ledger.unreserve(index);
                part.maybe -= 1;
              },
            }
          : {}),
        onRetry: (retry) => logger.warn('Slack post will be retried', { ...at, ...retry }),
      });
      posts.push(report);
      part.delivered = true;
      logger.info('Slack post delivered', { ...at, ...report });
      if (ledger) {
        try {
          await ledger.confirm(index);
        } catch (error) {
          // Posted: going on is right. Unrecorded, the part counts as a maybe-post: a retry sends it once more, noted.
          logger.warn('Slack post delivered, but not recorded as such', { ...at, reason: describeError(error) });
        }
      }
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const failure = error instanceof SlackDeliveryError ? error : undefined;
      const unconfirmed = failure?.unconfirmed ?? 0;
      const rejected = failure?.failure === 'rejected';
      logger.error('Slack post failed', {
        ...at,
        reason,
        ...(unconfirmed > 0 ? { unconfirmed } : {}),
        // Retrying cannot heal this one (revoked webhook, archived channel): the operations alarm counts it.
        ...(rejected ? { slackRefusal: 'permanent' } : {}),
      });
      if (rejected) onRejected?.({ status: failure.status, slackError: failure.slackError });
      return { delivered: false, posts, reason, unconfirmed, ...(rejected ? { rejected: true as const } : {}) };
    }
  }
  return { delivered: true, posts };
}

/** Retry tuning and test seams passed through to the delivery (the deadline comes from the context). */
export type DeliveryTuning = Partial<Omit<DeliverySetup, 'webhookUrl' | 'deadline' | 'logger'>>;

/** What tests and `npm run invoke` may inject into a handler; production passes nothing. */
export interface SlackHandlerDeps<Settings> {
  /** Default: the secret named by SLACK_WEBHOOK_SECRET_ID, cached. */
  webhookUrl?: WebhookUrlSource;
  /** Overrides the values read from the environment variables. */
  settings?: Partial<Settings>;
  logger?: Logger;
  delivery?: DeliveryTuning;
  /** Default: the SlackRefusedForGood metric (slack-refusal.ts). */
  onRejected?: RefusalReporter;
  /** How long a duplicate waits for the invocation posting its message; default: until its own deadline. */
  holderWaitMs?: number;
}
