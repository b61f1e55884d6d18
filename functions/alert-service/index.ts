// Lambda entry point (SNS -> Slack): the webhook URL comes from Secrets Manager.
import { createHandler } from './handler';

export const handler = createHandler();
