// An alarm that fires while a queue of undeliverable messages (a DLQ) holds anything.
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';

export interface QueueNotEmptyAlarmProps {
  logicalId: string;
  alarmName: string;
  description: string;
  queueName: string;
  /** Notified on ALARM and on OK: the operations topic first, then any other (e.g. the Slack path). */
  topicArns: string[];
}

export function queueNotEmptyAlarm(scope: Construct, props: QueueNotEmptyAlarmProps): CloudwatchMetricAlarm {
  const actions = props.topicArns;
  const alarm = new CloudwatchMetricAlarm(scope, props.logicalId, {
    alarmName: props.alarmName,
    alarmDescription: props.description,
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: props.queueName },
    statistic: 'Maximum',
    period: 300,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    // An empty queue reports no datapoints: healthy.
    treatMissingData: 'notBreaching',
    alarmActions: actions,
    okActions: actions,
  });
  alarm.overrideLogicalId(props.logicalId);
  return alarm;
}
