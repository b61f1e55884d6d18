// SNS -> Slack. Each record becomes one Slack message (an alarm, or a generic notification when it is
// not one). SNS invokes asynchronously, so a record Slack did not take fails the invocation: Lambda
// retries it and the on-failure destination keeps the event. All records are tried before that.
// Each post is recorded by SNS MessageId (delivery-record.ts): a retry or a redelivery does not post
// an alarm Slack took, and an alarm Slack may have taken (sent, no answer) is posted at most twice in
// all, the second copy saying it may repeat.
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SNSEvent } from 'aws-lambda';
import { deadlineOf, deliverAll, type SlackHandlerDeps } from '../shared/deliver';
import { createLogger } from '../shared/logger';
import type { SlackMessage } from '../shared/slack-webhook';
import { DELIVERY_DEFAULTS } from '../shared/slack-webhook';
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
export const MAX_MAYBE_POSTS = DELIVERY_DEFAULTS.maxUnconfirmed;

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
    if (claim?.status === 'held') return 'being posted by another invocation; retried to confirm';
    const maybePosted = claim?.unconfirmed ?? 0;
    if (maybePosted >= MAX_MAYBE_POSTS) {
      await ledger!.release(messageId!, until, 0);
      return `may already be in Slack ${maybePosted} times (sent, no answer, or its poster stopped); not posted again: check the channel (help/troubleshooting.md)`;
    }
    const outcome = await deliverAll([message], {
      ...deps.delivery,
      webhookUrl,
      deadline,
      logger,
      maxUnconfirmed: MAX_MAYBE_POSTS - maybePosted,
      mayRepeat: maybePosted > 0,
    });
    if (claim && messageId) {
      try {
        if (outcome.delivered) await ledger!.delivered(messageId, until);
        else await ledger!.release(messageId, until, outcome.unconfirmed);
      } catch (error) {
        // Posted or not, Slack's answer stands; an unrecorded post is counted when its lease runs out.
        logger.error('Delivery record not updated', { error: error as Error, delivered: outcome.delivered });
      }
    }
    return outcome.delivered ? undefined : outcome.reason;
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
