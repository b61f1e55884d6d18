// Alarms on a Lambda function's own failures: invocations that errored, and invocations Lambda
// throttled. They go to the operations topic only: the Slack path may be what is failing.
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';

export interface FunctionAlarmsProps {
  functionName: string;
  /** What a failed invocation means, for the Errors alarm's description. */
  errorMeans: string;
  /** The module's names: its alarms' names among them. */
  names: Record<AlarmKey, string>;
  /** The module's logical IDs, by resource key. */
  logicalId: (key: AlarmKey) => string;
  operationsTopicArn: string;
}

type AlarmKey = 'errorsAlarm' | 'throttlesAlarm';

export function functionAlarms(scope: Construct, props: FunctionAlarmsProps): CloudwatchMetricAlarm[] {
  const alarm = (metric: 'Errors' | 'Throttles') => {
    const key: AlarmKey = metric === 'Errors' ? 'errorsAlarm' : 'throttlesAlarm';
    const resource = new CloudwatchMetricAlarm(scope, props.logicalId(key), {
      alarmName: props.names[key],
      alarmDescription:
        metric === 'Errors'
          ? `${props.functionName} failed an invocation: ${props.errorMeans}. Read its log group (help/troubleshooting.md)`
          : `Lambda throttled ${props.functionName}: its work is delayed and, once retries run out, dead-lettered (help/troubleshooting.md)`,
      namespace: 'AWS/Lambda',
      metricName: metric,
      dimensions: { FunctionName: props.functionName },
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: 'GreaterThanOrEqualToThreshold',
      // No invocations, no datapoints: healthy.
      treatMissingData: 'notBreaching',
      alarmActions: [props.operationsTopicArn],
      okActions: [props.operationsTopicArn],
    });
    resource.overrideLogicalId(props.logicalId(key));
    return resource;
  };
  return [alarm('Errors'), alarm('Throttles')];
}
