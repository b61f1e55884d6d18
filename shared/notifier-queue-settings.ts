// Queue and event source mapping numbers of the slack-notifier, derived from config: the construct
// sets them and the config rules (environments/) check them.

/** The default batch: room for a whole wave plus retries and duplicates. */
export function defaultBatchSize(serviceCount: number): number {
  return Math.min(10000, Math.max(10, 2 * serviceCount));
}

/** `slackNotifier.queueRetentionHours` (default 96: see help/configuration.md) in SQS's unit. */
export function queueRetentionSeconds(hours: number): number {
  return hours * 3600;
}

/** How long the notifier's dead-letter queue keeps what could not be delivered (SQS's maximum, 14 days). */
export const DEAD_LETTER_RETENTION_HOURS = 14 * 24;

/** The oldest a record can be when the function reads it: kept by the queue, then by its DLQ and redriven. */
export function recordMaxAgeHours(queueRetentionHours: number): number {
  return queueRetentionHours + DEAD_LETTER_RETENTION_HOURS;
}

/** AWS's guidance: at least six times the function timeout, plus the batching window. */
export function queueVisibilityTimeout(functionTimeoutSeconds: number, batchingWindowSeconds: number): number {
  return 6 * functionTimeoutSeconds + batchingWindowSeconds;
}

/**
 * Minutes CloudTrail may take to deliver a call to EventBridge. AWS promises no bound ("best
 * effort"); a few minutes is usual, and a call later than the deadline still gets a follow-up.
 */
export const CLOUDTRAIL_LAG_MINUTES = 5;

/** The shortest wave grace period under which a wave's last results can arrive before its deadline. */
export function minimumWaveGraceMinutes(flexibleWindowMinutes: number, batchingWindowSeconds: number): number {
  return flexibleWindowMinutes + Math.ceil(batchingWindowSeconds / 60) + CLOUDTRAIL_LAG_MINUTES;
}

/** DynamoDB's item size limit: one wave's item holds its services and the eventIDs it reported. */
export const DYNAMODB_ITEM_BYTES = 400 * 1024;
const EVENT_ID_BYTES = 36;
/** Each service's call, its Scheduler retries and late repeats: eventIDs one wave may report. */
const REPORTED_EVENTS_PER_SERVICE = 3;

/**
 * What ECS reported of one service, as a post in progress keeps it beside the service's name: the
 * counts and a reason of at most 200 characters (functions/slack-notifier/task-state.ts), in JSON.
 */
const TASK_STATE_BYTES = 280;

/**
 * A wave item's size when every service reports (names, eventIDs, attribute overhead) while its
 * summary is being posted (the task states it shows).
 */
export function waveItemBytes(services: { cluster: string; service: string }[]): number {
  const names = services.reduce((sum, s) => sum + Buffer.byteLength(`${s.cluster}/${s.service}`), 0);
  return 2 * names + services.length * (REPORTED_EVENTS_PER_SERVICE * EVENT_ID_BYTES + TASK_STATE_BYTES) + 1024;
}
