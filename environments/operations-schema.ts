// Config of the operations path: where failures of the alerting itself are announced (dead-letter and
// failure queues, function errors and throttles, deadline schedules that could not run), by a way
// that passes through neither Slack nor the alert function.
import { z } from 'zod';

const HOW_TO_FIX =
  'add operations: { emails: ["oncall@your-company.com"] } (the stack creates a topic and subscribes each address; each must confirm) or operations: { topicArn: "arn:aws:sns:<region>:<account>:<topic>" } (an existing topic your on-call already receives). See help/configuration.md, "operations"';

export const MISSING_OPERATIONS = `operations is missing: every environment needs a path that tells a person when Slack alerting itself fails (webhook revoked, Slack down, secret unreadable); ${HOW_TO_FIX}`;

const SNS_TOPIC_ARN = /^arn:aws:sns:[a-z]{2}-[a-z]+-\d:\d{12}:[A-Za-z0-9_-]{1,256}$/;

export const operationsSchema = z.strictObject(
  {
    /** Email addresses subscribed to the operations topic this stack creates. */
    emails: z
      .array(z.email('each of operations.emails must be an email address, e.g. "oncall@your-company.com"'))
      .optional(),
    /** An existing SNS topic instead; this stack then creates no topic and subscribes nobody. */
    topicArn: z
      .string('topicArn must be a string')
      .regex(SNS_TOPIC_ARN, 'topicArn must be an SNS topic ARN, "arn:aws:sns:<region>:<account>:<topic>"')
      .optional(),
  },
  {
    error: (issue) => (issue.input === undefined ? MISSING_OPERATIONS : `operations must be an object; ${HOW_TO_FIX}`),
  },
);

export type OperationsConfig = z.output<typeof operationsSchema>;

/** Exactly one of `emails` (non-empty) and `topicArn`. */
export function operationsPathProblem(operations: OperationsConfig): string | undefined {
  const emails = operations.emails ?? [];
  if (emails.length > 0 && operations.topicArn) {
    return 'give either emails (a topic this stack creates) or topicArn (an existing topic), not both: subscribe the addresses to the existing topic yourself, or drop topicArn';
  }
  if (emails.length === 0 && !operations.topicArn) {
    return `no operations path: emails is empty and there is no topicArn, so failures of the Slack alerting would reach nobody; ${HOW_TO_FIX}`;
  }
  const seen = new Map<string, string>();
  for (const email of emails) {
    const key = emailAddressKey(email);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      return earlier.toLowerCase() === email.toLowerCase()
        ? `"${email}" is listed twice in emails; list each address once`
        : `"${earlier}" and "${email}" would get the same Terraform address (they differ only in case or punctuation); list one of them`;
    }
    seen.set(key, email);
  }
  return undefined;
}

/** `Oncall.Team@x.com` -> `oncall_team_x_com`: the part of the subscription's Terraform address. */
export function emailAddressKey(email: string): string {
  return email.toLowerCase().replace(/[^a-z0-9]+/g, '_');
}
