// SNS -> Slack. Each record becomes one Slack message (an alarm, or a generic notification when it is
// not one). SNS invokes asynchronously, so a record Slack did not take fails the invocation: Lambda
// retries it and the on-failure destination keeps the event. All records are tried before that.
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SNSEvent } from 'aws-lambda';
import { deadlineOf, deliverAll, type SlackHandlerDeps } from '../shared/deliver';
import { createLogger } from '../shared/logger';
import type { SlackMessage } from '../shared/slack-webhook';
import { webhookUrlFromSecret } from '../shared/webhook-url';
import { type Notification, parseRecord } from './alarm';
import { genericMessage, toSlackMessage } from './message';
import { type Settings, settingsFromEnv } from './settings';

export const SERVICE_NAME = 'alert-service';

export type HandlerDeps = SlackHandlerDeps<Settings>;

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

  return async (event, context) => {
    logger.addContext(context);
    const deadline = deadlineOf(context);
    // Not an SNS event at all (a hand-made test event?): forwarded whole as one generic message.
    const records: unknown[] = Array.isArray(event?.Records) ? event.Records : [event];
    if (records.length === 0) logger.warn('SNS event has no records');
    const failures: string[] = [];
    let delivered = 0;

    for (const [index, record] of records.entries()) {
      const snsMessageId = messageIdOf(record) ?? `record-${index + 1}`;
      logger.appendKeys({ snsMessageId });
      try {
        const notification = parseRecord(record);
        logReceived(logger, notification, settings.environment);
        const outcome = await deliverAll([render(notification, settings, logger)], {
          ...deps.delivery,
          webhookUrl,
          deadline,
          logger,
        });
        if (outcome.delivered) delivered += 1;
        else failures.push(`${snsMessageId}: ${outcome.reason}`);
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
