// Environment variables every Slack-posting function gets; the local invoke script uses them too.
export function slackFunctionEnvironment(
  service: string,
  environment: string,
  secretId: string,
  extra: Record<string, string>,
): Record<string, string> {
  return {
    ENVIRONMENT: environment,
    ...extra,
    SLACK_WEBHOOK_SECRET_ID: secretId,
    POWERTOOLS_SERVICE_NAME: service,
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
}
