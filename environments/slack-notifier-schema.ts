// Config of the slack-notifier module (CloudTrail -> EventBridge -> SQS -> Lambda -> Slack).
import { z } from 'zod';
import { kmsKeyArn, logRetentionDays, webhookSecret, wholeNumber } from './fields';

const managementEventsTrail = z.discriminatedUnion(
  'mode',
  [
    z.strictObject({ mode: z.literal('existing') }),
    z.strictObject({
      mode: z.literal('create'),
      logExpirationDays: wholeNumber('managementEventsTrail.logExpirationDays', 1, 3650, 90, ' days'),
    }),
  ],
  'managementEventsTrail.mode must be "existing" (the account already has a trail logging management events) or "create" (this stack creates one)',
);

export const slackNotifierSchema = z.strictObject({
  webhookSecret,
  /** Only when the secret is encrypted with a customer managed key. */
  webhookSecretKmsKeyArn: kmsKeyArn.optional(),
  managementEventsTrail,
  /** Messages per Lambda invocation; defaults to twice the number of services, at least 10. */
  batchSize: wholeNumber('batchSize', 1, 10000),
  batchingWindowSeconds: wholeNumber('batchingWindowSeconds', 1, 300, 300, ' s'),
  maximumConcurrency: wholeNumber('maximumConcurrency', 2, 1000, 2),
  /**
   * The rollback switch: false stops the function reading the queue (messages wait there, for
   * queueRetentionHours) and pauses the wave deadline schedules; true again posts what waited, once per
   * wave, marked late.
   */
  enabled: z.boolean('enabled must be true or false').default(true),
  /** How long the queue keeps a message: how long a rollback may last before results are lost. */
  queueRetentionHours: wholeNumber('queueRetentionHours', 1, 336, 96, ' h'),
  maxReceiveCount: wholeNumber('maxReceiveCount', 1, 1000, 3),
  functionTimeoutSeconds: wholeNumber('functionTimeoutSeconds', 10, 900, 60, ' s'),
  memorySizeMb: wholeNumber('memorySizeMb', 128, 10240, 256, ' MB'),
  logRetentionDays: logRetentionDays(30),
  /**
   * Minutes after a wave's scheduled time at which its deadline schedule closes it: posts what
   * arrived and names the services that never reported.
   */
  waveGraceMinutes: wholeNumber('waveGraceMinutes', 1, 720, 20, ' min'),
  /**
   * Minutes after a wave's deadline at which its settle check reads, once more, the services its
   * summary showed still starting or stopping: any that did not reach their desired count are named
   * in one follow-up.
   */
  settleCheckMinutes: wholeNumber('settleCheckMinutes', 1, 120, 15, ' min'),
});

export type SlackNotifierConfig = z.output<typeof slackNotifierSchema>;
