// SNS -> Slack. Each record becomes one Slack message (an alarm, or a generic notification when it is
// not one). SNS invokes asynchronously, so a record Slack did not take fails the invocation: Lambda
// retries it and the on-failure destination keeps the event. All records are tried before that.
// Each post is recorded by SNS MessageId (delivery-record.ts): a retry or a redelivery does not post
// an alarm Slack took, and an alarm Slack may have taken (sent, no answer) is posted at most twice in
// all, the second copy saying it may repeat; each attempt is counted before it is sent, so no failure
// between a post and its record allows a third. A duplicate that finds its alarm being posted waits
// for that invocation and ends quietly. A refusal retrying cannot heal is counted for the operations
// alarm (slack-refusal.ts).
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SNSEvent } from 'aws-lambda';
import { deadlineOf, deliverAll, MAX_MAYBE_POSTS, type SlackHandlerDeps } from '../shared/deliver';
import { leaseLive } from '../shared/lease';
import { createLogger } from '../shared/logger';
import { refusalMetric } from '../shared/slack-refusal';
import type { SlackMessage } from '../shared/slack-webhook';
import { webhookUrlFromSecret } from '../shared/webhook-url';
import { type Notification, parseRecord } from './alarm';
import { DeliveryRecords } from './delivery-record';
import { genericMessage, toSlackMessage } from './message';
import { type Settings, settingsFromEnv } from './settings';

export const SERVICE_NAME = 'alert-service';

export interface HandlerDeps extends SlackHandlerDeps<Settings> {
  /** Default: a client for the function's region (only with a DELIVERIES_TABLE). */
  dynamodb?: DynamoDBClient;
  /** Default: Date.now. */
  now?: () => number;
}

/** At most this many copies of one alarm may reach Slack in any single fault (the 2nd says so). */
export { MAX_MAYBE_POSTS };

/** How often a duplicate that found its alarm being posted checks on it. */
const HOLDER_POLL_MS = 200;

export interface AlertServiceResult {
  records: number;
  delivered: number;
}

export type AlertServiceHandler = (event: SNSEvent, context: Context) => Promise<AlertServiceResult>;

/** Thrown when any record was not delivered (the message names the reasons, never the URL). */
export class AlertDeliveryError extends Error {
  override readonly name = 'AlertDeliveryError';
}

export function createHandler(deps: HandlerDeps = {}): AlertServiceHandler {
  const logger = deps.logger ?? createLogger(process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME);
  const fromEnv = settingsFromEnv();
  for (const warning of fromEnv.warnings) logger.warn(warning);
  const settings: Settings = { ...fromEnv.settings, ...deps.settings };
  const webhookUrl = deps.webhookUrl ?? webhookUrlFromSecret();
  const now = deps.now ?? Date.now;
  const onRejected = deps.onRejected ?? refusalMetric(SERVICE_NAME, settings.environment);
  let warnedNoRecords = false;
  const ledger = settings.deliveriesTable
    ? new DeliveryRecords(deps.dynamodb ?? new DynamoDBClient({}), settings.deliveriesTable)
    : undefined;

  /** Posts one notification under its delivery record; the reason when it was not delivered. */
  async function deliverOnce(
    messageId: string | undefined,
    message: SlackMessage,
    deadline: number,
    until: number,
  ): Promise<string | undefined> {
    for (let round = 0; ; round++) {
      let claim: Awaited<ReturnType<DeliveryRecords['claim']>> | undefined;
      if (ledger && messageId) {
        try {
          claim = await ledger.claim(messageId, now(), until);
        } catch (error) {
          // The alarm matters more than the guard: post it, and say a retry may repeat it.
          logger.error('Delivery record unavailable; posting without it (a retry may repeat this alarm)', {
            error: error as Error,
          });
        }
      }
      if (claim?.status === 'delivered') {
        logger.info('Already delivered (a retry or a repeat of the SNS message); not posted again');
        return undefined;
      }
      if (claim?.status === 'held') {
        const state = await waitForHolder(messageId!, claim.lease, deadline);
        if (state.status === 'delivered') {
          logger.info('Delivered by another invocation (a repeat of the SNS message); not posted again');
          return undefined;
        }
        if (!(state.status === 'held' && leaseLive(state.lease, now())) && round < 2) continue;
        if (state.status === 'held' && state.lease >= now()) {
          // Its holder is running and fails (to be retried) should Slack refuse: nothing is ours to report.
          logger.info('Being posted by another invocation (a repeat of the SNS message), which reports its outcome');
          return undefined;
        }
        return 'claimed by an invocation that seems to have stopped; retried to take it over';
      }
      // Without a claim, what the record says still bounds the copies (when it can be read).
      let earlier = { delivered: false, unconfirmed: 0 };
      if (!claim && ledger && messageId) {
        try {
          earlier = await ledger.peek(messageId);
        } catch {
          // Unreadable too: posted blind (logged above).
        }
      }
      if (earlier.delivered) return undefined;
      if (earlier.unconfirmed >= MAX_MAYBE_POSTS) {
        return `may already be in Slack ${earlier.unconfirmed} times; not posted again: check the channel (help/troubleshooting.md)`;
      }
      const outcome = await deliverAll([message], {
        ...deps.delivery,
        webhookUrl,
        deadline,
        logger,
        ...(claim && messageId
          ? { ledger: ledger!.ledger(messageId, until, claim.unconfirmed) }
          : { maxUnconfirmed: MAX_MAYBE_POSTS - earlier.unconfirmed, mayRepeat: earlier.unconfirmed > 0 }),
        onRejected,
      });
      if (!claim && ledger && messageId) {
        // Posted without a claim: what Slack may hold is recorded now, so the retry after a single
        // failed claim still posts at most one more copy, noted.
        const maybe = outcome.delivered ? 0 : outcome.unconfirmed;
        try {
          await ledger.recordUnclaimed(messageId, outcome.delivered, maybe);
        } catch (error) {
          logger.error('Delivery record unavailable after the post too; a retry may repeat this alarm', {
            error: error as Error,
          });
        }
      }
      if (claim && messageId && !outcome.delivered) {
        try {
          await ledger!.release(messageId, until);
        } catch (error) {
          // Each attempt was counted before it was sent: the lease runs out, and nothing more is lost.
          logger.warn('Delivery record not released; it runs out with the invocation', { error: error as Error });
        }
      }
      return outcome.delivered ? undefined : outcome.reason;
    }
  }

  /** Waits while another invocation holds the record: until it is delivered, given back, or our time is nearly up. */
  async function waitForHolder(messageId: string, lease: number, deadline: number) {
    let state: Awaited<ReturnType<DeliveryRecords['state']>> = { status: 'held', lease };
    const stop = Math.min(deadline - HOLDER_POLL_MS, Date.now() + (deps.holderWaitMs ?? Infinity));
    while (state.status === 'held' && leaseLive(state.lease, now()) && Date.now() < stop) {
      await new Promise((resolve) => setTimeout(resolve, HOLDER_POLL_MS));
      state = await ledger!.state(messageId);
    }
    return state;
  }

  return async (event, context) => {
    logger.addContext(context);
    if (!ledger && !warnedNoRecords) {
      // An alarm must reach Slack even so: posted without the record, and a retry may repeat it.
      warnedNoRecords = true;
      logger.warn(
        'DELIVERIES_TABLE is not set; alarms are posted without a delivery record, so a retry may repeat one',
      );
    }
    const deadline = deadlineOf(context);
    const until = now() + context.getRemainingTimeInMillis();
    // Not an SNS event at all (a hand-made test event?): forwarded whole as one generic message.
    const records: unknown[] = Array.isArray(event?.Records) ? event.Records : [event];
    if (records.length === 0) logger.warn('SNS event has no records');
    const failures: string[] = [];
    let delivered = 0;

    for (const [index, record] of records.entries()) {
      const messageId = messageIdOf(record);
      const snsMessageId = messageId ?? `record-${index + 1}`;
      logger.appendKeys({ snsMessageId });
      try {
        const notification = parseRecord(record);
        logReceived(logger, notification, settings.environment);
        const failure = await deliverOnce(messageId, render(notification, settings, logger), deadline, until);
        if (failure === undefined) delivered += 1;
        else failures.push(`${snsMessageId}: ${failure}`);
      } catch (error) {
        // Unexpected (a bug): count the record as failed and go on with the others.
        logger.error('Record could not be processed', { error: error as Error });
        failures.push(`${snsMessageId}: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        logger.removeKeys(['snsMessageId']);
      }
    }

    if (failures.length > 0) {
      const error = new AlertDeliveryError(
        `${failures.length} of ${records.length} notification(s) not delivered to Slack: ${failures.join('; ')}`,
      );
      logger.error('Invocation failed; Lambda will retry the event', { failed: failures.length, of: records.length });
      throw error;
    }
    return { records: records.length, delivered };
  };
}

/** The alarm message; should formatting ever fail, the raw notification still goes out. */
function render(notification: Notification, settings: Settings, logger: Logger): SlackMessage {
  try {
    return toSlackMessage(notification, settings);
  } catch (error) {
    logger.error('Formatting the alarm failed; forwarding it as a generic notification', { error: error as Error });
    const raw = notification.kind === 'generic' ? notification.message : JSON.stringify(notification, null, 2);
    return genericMessage({ kind: 'generic', message: raw, problem: 'formatting failed' }, settings);
  }
}

function logReceived(logger: Logger, notification: Notification, environment: string): void {
  if (notification.kind === 'alarm') {
    logger.info('CloudWatch alarm received', {
      environment,
      alarmName: notification.name,
      state: notification.state,
      previousState: notification.previousState,
      metric: notification.trigger ? (notification.trigger.metricName ?? 'metric math') : 'composite',
    });
  } else {
    logger.warn('SNS message is not a CloudWatch alarm; forwarding it as a generic notification', {
      environment,
      problem: notification.problem,
      subject: notification.subject,
      messageChars: notification.message.length,
    });
  }
}

function messageIdOf(record: unknown): string | undefined {
  const sns = (record as { Sns?: { MessageId?: unknown } } | null)?.Sns;
  return typeof sns?.MessageId === 'string' ? sns.MessageId : undefined;
}
