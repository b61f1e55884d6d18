// Alarms on a Lambda function's own failures: invocations that errored, invocations Lambda
// throttled, and Slack refusals that retrying cannot heal (a revoked webhook: the function's own
// metric, functions/shared/slack-refusal.ts, which an SQS batch reports without failing). They go to
// the operations topic only: the Slack path may be what is failing.
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';
import { SLACK_REFUSAL_METRIC } from '../../functions/shared/slack-refusal';
import { anyCountAlarm } from './queue-alarm';

export interface FunctionAlarmsProps {
  functionName: string;
  /** What a failed invocation means, for the Errors alarm's description. */
  errorMeans: string;
  /** The module's names: its alarms' names among them. */
  names: Record<AlarmKey, string>;
  /** The module's logical IDs, by resource key. */
  logicalId: (key: AlarmKey) => string;
  operationsTopicArn: string;
  /** The function's service name (its metrics' `service` dimension) and environment. */
  service: string;
  environment: string;
}

type AlarmKey = 'errorsAlarm' | 'throttlesAlarm' | 'slackRefusedAlarm';

export function functionAlarms(scope: Construct, props: FunctionAlarmsProps): CloudwatchMetricAlarm[] {
  const topicArns = [props.operationsTopicArn];
  const lambdaAlarm = (metric: 'Errors' | 'Throttles') => {
    const key: AlarmKey = metric === 'Errors' ? 'errorsAlarm' : 'throttlesAlarm';
    return anyCountAlarm(scope, {
      logicalId: props.logicalId(key),
      alarmName: props.names[key],
      description:
        metric === 'Errors'
          ? `${props.functionName} failed an invocation: ${props.errorMeans}. Read its log group (help/troubleshooting.md)`
          : `Lambda throttled ${props.functionName}: its work is delayed and, once retries run out, dead-lettered (help/troubleshooting.md)`,
      namespace: 'AWS/Lambda',
      metricName: metric,
      dimensions: { FunctionName: props.functionName },
      statistic: 'Sum',
      periodSeconds: 300,
      topicArns,
    });
  };
  const refusals = anyCountAlarm(scope, {
    logicalId: props.logicalId('slackRefusedAlarm'),
    alarmName: props.names.slackRefusedAlarm,
    description: `Slack refused a post from ${props.functionName} for good (HTTP 4xx: no_service or invalid_token for a revoked webhook, channel_not_found, channel_is_archived): nothing reaches Slack until the secret holds a working webhook URL (help/troubleshooting.md)`,
    namespace: SLACK_REFUSAL_METRIC.namespace,
    metricName: SLACK_REFUSAL_METRIC.name,
    dimensions: SLACK_REFUSAL_METRIC.dimensions(props.service, props.environment),
    statistic: 'Sum',
    // Within minutes of the first refusal, from whichever function saw it.
    periodSeconds: 60,
    topicArns,
  });
  return [lambdaAlarm('Errors'), lambdaAlarm('Throttles'), refusals];
}
