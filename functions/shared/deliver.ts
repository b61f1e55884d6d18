// One delivery run shared by every function: resolve the webhook URL, post each message in order,
// and report a failure (never throw) so the caller can hand its records back for a retry.
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  type DeliveryOptions,
  type DeliveryReport,
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
    };

export interface DeliverySetup extends Omit<DeliveryOptions, 'deadline' | 'onRetry'> {
  webhookUrl: WebhookUrlSource;
  deadline: number;
  logger: Logger;
}

export async function deliverAll(messages: SlackMessage[], setup: DeliverySetup): Promise<DeliveryOutcome> {
  const { webhookUrl, logger, ...options } = setup;
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
    try {
      const report = await postToSlack(url, message, {
        ...options,
        onRetry: (retry) => logger.warn('Slack post will be retried', { part: index + 1, ...retry }),
      });
      posts.push(report);
      logger.info('Slack post delivered', { part: index + 1, of: messages.length, ...report });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const unconfirmed = error instanceof SlackDeliveryError ? error.unconfirmed : 0;
      logger.error('Slack post failed', {
        part: index + 1,
        of: messages.length,
        reason,
        ...(unconfirmed > 0 ? { unconfirmed } : {}),
      });
      return { delivered: false, posts, reason, unconfirmed };
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
}
