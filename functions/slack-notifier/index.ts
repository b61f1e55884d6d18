// Lambda entry point (SQS batch -> one Slack summary); settings and the webhook secret come from
// the environment variables the stack sets.
import { createHandler } from './handler';

export const handler = createHandler();
