// Structured JSON logs (Powertools Logger). Nothing logged may hold the webhook URL: log Slack
// outcomes by status and error code, never the request.
import { Logger } from '@aws-lambda-powertools/logger';

export function createLogger(serviceName: string): Logger {
  return new Logger({ serviceName, logLevel: (process.env.POWERTOOLS_LOG_LEVEL as 'INFO' | undefined) ?? 'INFO' });
}
