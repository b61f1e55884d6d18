// The environment config schema: each field, its default and its limits, with a message that
// says how to fix a bad value. Rules across fields are in rules.ts; help/configuration.md
// documents all of them.
import { z } from 'zod';
import { TIME_PATTERN, WEEKDAYS_PATTERN } from '../shared/weekly-time';
import { legacyModuleName } from '../shared/scheduler-names';
import { cloudwatchSchema } from './cloudwatch-schema';
import { operationsSchema } from './operations-schema';
import { slackNotifierSchema } from './slack-notifier-schema';

/** ECS cluster and service names: 1-255 letters, digits, `-` and `_`. */
const ECS_NAME = /^[A-Za-z0-9_-]{0,255}$/; // emptiness has its own message

function ecsName(what: 'cluster' | 'service') {
  return z
    .string(`the ECS ${what} name must be a string`)
    .min(1, `the ECS ${what} name is empty; give the ${what} name exactly as ECS shows it`)
    .regex(ECS_NAME, `"${what}" may hold only letters, digits, "-" and "_" (at most 255), as ECS allows`);
}

const desiredCount = (field: string) =>
  z
    .number(`${field} must be a number`)
    .int(`${field} must be a whole number of tasks`)
    .min(0, `${field} cannot be negative; use 0 to stop every task`);

// Any name the runtime's IANA database knows (aliases such as Asia/Kolkata included); only a
// wrong capitalisation is corrected, since Scheduler expects the IANA spelling.
const timeZone = z.string('timezone must be a string').superRefine((value, ctx) => {
  let canonical: string | undefined;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    canonical = undefined;
  }
  if (canonical === undefined) {
    ctx.addIssue({ code: 'custom', message: `unknown time zone "${value}"; use an IANA name such as "Asia/Seoul"` });
  } else if (canonical !== value && canonical.toLowerCase() === value.toLowerCase()) {
    ctx.addIssue({ code: 'custom', message: `write the time zone as "${canonical}", not "${value}"` });
  }
});

const weeklyTime = (defaults: { time: string; weekdays: string }) =>
  z
    .strictObject({
      time: z
        .string('time must be a string like "09:00"')
        .regex(TIME_PATTERN, 'time must be local wall-clock time as HH:MM (24 h), e.g. "09:00" or "18:30"')
        .default(defaults.time),
      weekdays: z
        .string('weekdays must be a string like "MON-FRI"')
        .regex(
          WEEKDAYS_PATTERN,
          'weekdays must be upper-case day names, ranges or lists, e.g. "MON-FRI", "MON,WED,FRI" or "*" for every day',
        )
        .default(defaults.weekdays),
    })
    .default(defaults);

const serviceSchema = z
  .strictObject({
    cluster: ecsName('cluster'),
    service: ecsName('service'),
    resourceName: z
      .string('resourceName must be a string')
      .regex(
        /^[A-Za-z][A-Za-z0-9_-]*$/,
        'resourceName must start with a letter and hold only letters, digits, "-" and "_"',
      )
      .optional(),
    legacyModule: z
      .string('legacyModule must be a string')
      .regex(
        /^[A-Za-z_][A-Za-z0-9_-]*$/,
        'legacyModule must be the legacy module call name, e.g. "python_api_scheduler" (letters, digits, "_", "-")',
      )
      .optional(),
    upCount: desiredCount('upCount').default(1),
    downCount: desiredCount('downCount').default(0),
    singleton: z.boolean('singleton must be true or false').default(false),
  })
  .transform((svc) => {
    const resourceName = svc.resourceName ?? svc.service;
    return { ...svc, resourceName, legacyModule: svc.legacyModule ?? legacyModuleName(resourceName) };
  });

const backendSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('cloud'),
      organization: z.string().min(1, 'organization is empty; give the HCP Terraform organization name'),
      workspace: z
        .string()
        .min(1, 'workspace is empty; give the HCP Terraform workspace name, e.g. "ecs-scheduler-dev"'),
      hostname: z.string().min(1).optional(),
    }),
    z.strictObject({
      type: z.literal('s3'),
      bucket: z.string().min(3, 'bucket must be the S3 bucket holding the state'),
      key: z.string().min(1, 'key must be the state object key, e.g. "ecs-scheduler/dev.tfstate"'),
      region: z.string().min(1, 'region must be the bucket region'),
      dynamodbTable: z.string().min(1).optional(),
    }),
  ],
  'backend.type must be "cloud" (HCP Terraform) or "s3"',
);

/** Environment names: also the stack name and the `-<env>` suffix of every AWS name. */
export const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{0,9}$/;

const TAG_KEY = /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/iu;

export const environmentSchema = z.strictObject({
  name: z
    .string('name must be a string')
    .regex(ENVIRONMENT_NAME, 'name must be 1-10 lower-case letters or digits starting with a letter, e.g. "dev"'),
  region: z
    .string('region must be a string')
    .regex(/^[a-z]{2}-[a-z]+-\d$/, 'region must be an AWS region code such as "ap-northeast-2"')
    .refine(
      (region) => !region.startsWith('cn-'),
      'China regions use the aws-cn partition; this project builds arn:aws ARNs only',
    ),
  accountId: z
    .string('accountId must be a string of 12 digits, e.g. "111122223333"')
    .regex(
      /^\d{12}$/,
      'accountId must be the 12-digit AWS account ID of this environment (aws sts get-caller-identity --query Account)',
    ),
  defaultTags: z
    .record(
      z
        .string()
        .regex(
          TAG_KEY,
          'tag keys are 1-128 characters of letters, digits, spaces and _ . : / = + - @, not starting with "aws:"',
        ),
      z.string().max(256, 'tag values are at most 256 characters'),
    )
    .default({}),
  namePrefix: z
    .string('namePrefix must be a string')
    .regex(
      /^[a-z][a-z0-9-]{0,31}$/,
      'namePrefix must be 1-32 lower-case letters, digits or "-", starting with a letter',
    )
    .default('ecs-scheduler'),
  backend: backendSchema,
  scheduler: z.strictObject({
    timezone: timeZone.default('Asia/Seoul'),
    scaleUp: weeklyTime({ time: '09:00', weekdays: 'MON-FRI' }),
    scaleDown: weeklyTime({ time: '18:00', weekdays: 'MON-FRI' }),
    flexibleWindowMinutes: z
      .number('flexibleWindowMinutes must be a number')
      .int('flexibleWindowMinutes must be whole minutes')
      .min(0, 'flexibleWindowMinutes must be 0 (exact time) to 60')
      .max(60, 'flexibleWindowMinutes must be 0 (exact time) to 60')
      .default(5),
    retry: z
      .strictObject({
        maximumEventAgeMinutes: z
          .number()
          .int()
          .min(1, 'maximumEventAgeMinutes must be 1 to 1440 (24 h)')
          .max(1440, 'maximumEventAgeMinutes must be 1 to 1440 (24 h)')
          .default(15),
        maximumRetryAttempts: z
          .number()
          .int()
          .min(0, 'maximumRetryAttempts must be 0 to 185')
          .max(185, 'maximumRetryAttempts must be 0 to 185')
          .default(10),
      })
      .default({ maximumEventAgeMinutes: 15, maximumRetryAttempts: 10 }),
    services: z.array(serviceSchema).min(1, 'list at least one service to schedule'),
    /**
     * true when a scale-up or scale-down time at night (22:00-06:00 local) is meant: silences the
     * warning that such a time looks like a UTC hour written as local (the legacy's mistake).
     */
    nightTimesIntended: z.boolean('nightTimesIntended must be true or false').default(false),
  }),
  slackNotifier: slackNotifierSchema,
  cloudwatch: cloudwatchSchema,
  operations: operationsSchema,
});

/** What an `environments/<env>.ts` file writes (defaults may be left out). */
export type EnvironmentInput = z.input<typeof environmentSchema>;
/** A validated environment with every default filled in. */
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type ServiceConfig = EnvironmentConfig['scheduler']['services'][number];
export type ServiceInput = z.input<typeof serviceSchema>;
