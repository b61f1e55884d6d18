// Config of the cloudwatch module (Aurora and ECS alarms -> SNS -> alert-service Lambda -> Slack).
import { z } from 'zod';
import { kmsKeyArn, logRetentionDays, webhookSecret, wholeNumber } from './fields';

const alarmTiming = (defaults: { periodSeconds: number; evaluationPeriods: number }) => ({
  periodSeconds: z
    .number('periodSeconds must be a number')
    .refine((p) => p === 10 || p === 20 || p === 30 || (p >= 60 && p % 60 === 0 && p <= 86400), {
      message: 'periodSeconds must be 10, 20, 30 or a multiple of 60 up to 86400',
    })
    .default(defaults.periodSeconds),
  evaluationPeriods: wholeNumber('evaluationPeriods', 1, 100, defaults.evaluationPeriods),
  datapointsToAlarm: wholeNumber('datapointsToAlarm', 1, 100),
  alarmName: z
    .string()
    .min(1)
    .max(255, 'alarmName is at most 255 characters')
    .regex(/^\P{Cc}+$/u, 'alarmName may not hold control characters')
    .optional(),
});

type ThresholdKind = 'percent' | 'bytes' | 'count';

const thresholdOf: Record<ThresholdKind, z.ZodNumber> = {
  percent: z
    .number('threshold must be a number')
    .gt(0, 'threshold is a percentage above 0')
    .max(100, 'threshold is a percentage, at most 100'),
  bytes: z
    .number('threshold must be a number of bytes')
    .int('threshold is whole bytes')
    .positive('threshold must be above 0 bytes'),
  count: z.number('threshold must be a number').int('threshold is a whole count').positive('threshold must be above 0'),
};

const alarm = (
  kind: ThresholdKind,
  defaults: { threshold: number; periodSeconds: number; evaluationPeriods: number },
) =>
  z.strictObject({ threshold: thresholdOf[kind].default(defaults.threshold), ...alarmTiming(defaults) }).default({
    threshold: defaults.threshold,
    periodSeconds: defaults.periodSeconds,
    evaluationPeriods: defaults.evaluationPeriods,
  });

/** Legacy modules/cloudwatch/alarm.tf values. */
export const AURORA_ALARM_DEFAULTS = {
  cpu: { threshold: 80, periodSeconds: 60, evaluationPeriods: 5 },
  freeableMemory: { threshold: 1_000_000_000, periodSeconds: 300, evaluationPeriods: 2 },
  connections: { threshold: 80, periodSeconds: 300, evaluationPeriods: 3 },
} as const;

export const ECS_ALARM_DEFAULTS = {
  cpu: { threshold: 80, periodSeconds: 60, evaluationPeriods: 5 },
  memory: { threshold: 80, periodSeconds: 60, evaluationPeriods: 5 },
} as const;

const auroraSchema = z.strictObject({
  clusterIdentifier: z
    .string('clusterIdentifier must be the Aurora DB cluster identifier')
    .regex(
      /^[a-zA-Z][a-zA-Z0-9-]{0,62}$/,
      'clusterIdentifier must be an Aurora DB cluster identifier (1-63 letters, digits, "-")',
    ),
  /** Per AWS, alarm on the WRITER (or READER) role rather than on instances, whose roles change. */
  role: z.enum(['WRITER', 'READER'], 'role must be "WRITER" or "READER"').default('WRITER'),
  cpu: alarm('percent', AURORA_ALARM_DEFAULTS.cpu),
  freeableMemory: alarm('bytes', AURORA_ALARM_DEFAULTS.freeableMemory),
  connections: alarm('count', AURORA_ALARM_DEFAULTS.connections),
});

const ecsAlarmsSchema = z.strictObject({
  /** Scheduled services (their resourceName) to alarm on; their cluster comes from scheduler.services. */
  services: z.array(z.string().min(1)).min(1, 'list at least one service, or leave ecsAlarms out'),
  cpu: alarm('percent', ECS_ALARM_DEFAULTS.cpu),
  memory: alarm('percent', ECS_ALARM_DEFAULTS.memory),
});

/**
 * The names the legacy resources carry when the legacy root was applied with other values than the
 * ones `legacyNames` reproduces (topic, role and policy from `team`, the function `ott-alert-service`).
 */
const legacyResourceNamesSchema = z.strictObject({
  topic: z
    .string('names.topic must be a string')
    .regex(/^[A-Za-z0-9_-]{1,256}$/, 'names.topic must be an SNS topic name (1-256 letters, digits, "-", "_")')
    .optional(),
  function: z
    .string('names.function must be a string')
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'names.function must be a Lambda function name (1-64 letters, digits, "-", "_")')
    .optional(),
  role: z
    .string('names.role must be a string')
    .regex(/^[\w+=,.@-]{1,64}$/, 'names.role must be an IAM role name (1-64 letters, digits and +=,.@_-)')
    .optional(),
  secretPolicy: z
    .string('names.secretPolicy must be a string')
    .regex(/^[\w+=,.@-]{1,128}$/, 'names.secretPolicy must be an IAM policy name (1-128 letters, digits and +=,.@_-)')
    .optional(),
});

/** What the hand-over does with the legacy module's four EKS alarms (help/migration.md). */
export const EKS_ALARM_DECISIONS = ['delete', 'leave'] as const;

/** Takes over the legacy `module.cloudwatch` resources with `import` blocks (help/migration.md). */
const adoptLegacySchema = z.strictObject({
  /** The only import ID that cannot be derived: `aws sns list-subscriptions-by-topic --topic-arn ...`. */
  subscriptionArn: z
    .string('subscriptionArn must be a string')
    .regex(
      /^arn:aws:sns:[a-z]{2}-[a-z]+-\d:\d{12}:[A-Za-z0-9_-]{1,256}:[0-9a-f-]{36}$/,
      'subscriptionArn must be the ARN of the legacy topic\'s Lambda subscription, "arn:aws:sns:<region>:<account>:<topic>:<uuid>" (aws sns list-subscriptions-by-topic)',
    ),
  names: legacyResourceNamesSchema.optional(),
  /**
   * The legacy module's four EKS alarms (ContainerInsights), which this project does not take over:
   * "delete" (the hand-over deletes them; EKS is retired) or "leave" (they stay in AWS, managed by no
   * Terraform, still publishing to the adopted topic). Left out, the preflight refuses the takeover.
   */
  eksAlarms: z
    .enum(
      EKS_ALARM_DECISIONS,
      'eksAlarms must be "delete" (the hand-over deletes the four legacy EKS alarms; EKS is retired) or "leave" (they stay in AWS, managed by no Terraform)',
    )
    .optional(),
});

export const cloudwatchSchema = z.strictObject({
  /** Name prefix of the legacy module (`our_team`), e.g. "ott". */
  team: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'team must be 1-20 lower-case letters, digits or "-"'),
  /**
   * true keeps the legacy names (topic "<team>-db-alarm-topic", alarms "OTT-Aurora-...", role
   * "<team>-alert-service-role") so the legacy resources can be adopted; false adds the environment.
   */
  legacyNames: z.boolean().default(false),
  adoptLegacy: adoptLegacySchema.optional(),
  webhookSecret,
  webhookSecretKmsKeyArn: kmsKeyArn.optional(),
  aurora: auroraSchema.optional(),
  ecsAlarms: ecsAlarmsSchema.optional(),
  functionTimeoutSeconds: wholeNumber('functionTimeoutSeconds', 10, 900, 30, ' s'),
  memorySizeMb: wholeNumber('memorySizeMb', 128, 10240, 256, ' MB'),
  logRetentionDays: logRetentionDays(30),
});

export type CloudwatchConfig = z.output<typeof cloudwatchSchema>;
