// SQS batch -> one Slack summary. Unreadable records are reported back (batchItemFailures) and
// counted; if Slack does not take the summary, every record of the batch goes back to the queue,
// to be received again and finally dead-lettered. Nothing is dropped silently.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { deadlineOf, deliverAll, type SlackHandlerDeps } from '../shared/deliver';
import { createLogger } from '../shared/logger';
import { webhookUrlFromSecret } from '../shared/webhook-url';
import { readScalingResult, type ScalingResult, UnreadableRecord } from './cloudtrail';
import { type Settings, SettingsError, settingsFromEnv } from './settings';
import { summaryMessages } from './summary';

export const SERVICE_NAME = 'slack-notifier';

export type HandlerDeps = SlackHandlerDeps<Settings>;

export type SlackNotifierHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function createHandler(deps: HandlerDeps = {}): SlackNotifierHandler {
  const logger = deps.logger ?? createLogger(process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME);
  const settings = checkedSettings(deps.settings, logger);
  const webhookUrl = deps.webhookUrl ?? webhookUrlFromSecret();

  return async (event, context) => {
    logger.addContext(context);
    const records = event.Records ?? [];
    const results: ScalingResult[] = [];
    const read = (record: SQSRecord) => {
      try {
        results.push(readScalingResult(record.body));
      } catch (error) {
        const reason = error instanceof UnreadableRecord ? error.message : `unexpected ${String(error)}`;
        logger.error('Record could not be read; it returns to the queue', { messageId: record.messageId, reason });
        throw error;
      }
    };
    const response = await processPartialResponse(event, read, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
    const unreadable = response.batchItemFailures.length;
    const unique = dropRepeats(results);
    logger.info('Batch read', {
      records: records.length,
      events: unique.length,
      repeats: results.length - unique.length,
      unreadable,
    });
    if (unique.length === 0 && unreadable === 0) return { batchItemFailures: [] };

    const outcome = await deliverAll(
      summaryMessages({ environment: settings.environment, timeZone: settings.timeZone, results: unique, unreadable }),
      { ...deps.delivery, webhookUrl, deadline: deadlineOf(context), logger },
    );
    if (outcome.delivered) return response;
    logger.error('Summary not delivered; every record of the batch returns to the queue', {
      records: records.length,
      reason: outcome.reason,
    });
    return { batchItemFailures: records.map((record) => ({ itemIdentifier: record.messageId })) };
  };
}

/** Stops the cold start on bad configuration, with a log line naming the variable. */
function checkedSettings(overrides: Partial<Settings> | undefined, logger: Logger): Settings {
  try {
    return settingsFromEnv(process.env, overrides);
  } catch (error) {
    if (error instanceof SettingsError) logger.critical('Invalid configuration', { reason: error.message });
    throw error;
  }
}

/** SQS delivers at least once: the same CloudTrail event may arrive twice. */
function dropRepeats(results: ScalingResult[]): ScalingResult[] {
  const byEvent = new Map<string, ScalingResult>();
  for (const result of results) if (!byEvent.has(result.eventId)) byEvent.set(result.eventId, result);
  return [...byEvent.values()];
}
