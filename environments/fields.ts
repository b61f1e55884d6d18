// Field schemas several config sections share.
import { z } from 'zod';

/** Values CloudWatch Logs accepts for a log group's retention (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const logRetentionDays = (fallback: number) =>
  z
    .number('logRetentionDays must be a number of days')
    .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
      message: `logRetentionDays must be one of CloudWatch's values: ${LOG_RETENTION_DAYS.join(', ')}`,
    })
    .default(fallback);

const SECRET_ARN = /^arn:aws:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;

/**
 * A Secrets Manager secret holding `{"webhook_url": "..."}`, by name or full ARN. Only the reference
 * reaches Terraform; the value is read by the function at run time.
 */
export const webhookSecret = z
  .string('webhookSecret must be a string: the Secrets Manager secret name or ARN')
  .superRefine((value, ctx) => {
    if (/^https?:\/\//i.test(value) || value.includes('hooks.slack.com')) {
      ctx.addIssue({
        code: 'custom',
        message:
          'webhookSecret must name a Secrets Manager secret, never the webhook URL itself (it would land in Terraform state); store {"webhook_url": "..."} in a secret and give its name',
      });
    } else if (value.startsWith('arn:') ? !SECRET_ARN.test(value) : !SECRET_NAME.test(value)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'webhookSecret must be a secret name (letters, digits and /_+=.@-, e.g. "ecs-scheduler/dev/slack-webhook") or a full arn:aws:secretsmanager:...:secret:... ARN',
      });
    }
  });

export const kmsKeyArn = z
  .string()
  .regex(
    /^arn:aws:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]{36}$/,
    'a KMS key ARN looks like arn:aws:kms:<region>:<account>:key/<uuid>',
  );

/** A whole number in [min, max]; without a fallback the field stays optional with no default. */
export function wholeNumber(
  field: string,
  min: number,
  max: number,
  fallback: number,
  unit?: string,
): z.ZodDefault<z.ZodNumber>;
export function wholeNumber(field: string, min: number, max: number): z.ZodOptional<z.ZodNumber>;
export function wholeNumber(field: string, min: number, max: number, fallback?: number, unit = '') {
  const schema = z
    .number(`${field} must be a number`)
    .int(`${field} must be a whole number`)
    .min(min, `${field} must be ${min} to ${max}${unit}`)
    .max(max, `${field} must be ${min} to ${max}${unit}`);
  return fallback === undefined ? schema.optional() : schema.default(fallback);
}
