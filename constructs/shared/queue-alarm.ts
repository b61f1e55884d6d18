// The failure alarms of the alerting itself: each fires while a metric counts anything in a period
// (a failed invocation, a refusal, a message in a dead-letter queue) and tells the operations topic
// on ALARM and on OK. No datapoints (nothing happened) is healthy.
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';

export interface AnyCountAlarmProps {
  logicalId: string;
  alarmName: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** `Sum` for events counted, `Maximum` for a level such as messages waiting. */
  statistic: 'Sum' | 'Maximum';
  periodSeconds: number;
  /** Notified on ALARM and on OK: the operations topic first, then any other (e.g. the Slack path). */
  topicArns: string[];
}

/** An alarm at a count of 1 or more in one period. */
export function anyCountAlarm(scope: Construct, props: AnyCountAlarmProps): CloudwatchMetricAlarm {
  const alarm = new CloudwatchMetricAlarm(scope, props.logicalId, {
    alarmName: props.alarmName,
    alarmDescription: props.description,
    namespace: props.namespace,
    metricName: props.metricName,
    dimensions: props.dimensions,
    statistic: props.statistic,
    period: props.periodSeconds,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: props.topicArns,
    okActions: props.topicArns,
  });
  alarm.overrideLogicalId(props.logicalId);
  return alarm;
}

export interface QueueNotEmptyAlarmProps {
  logicalId: string;
  alarmName: string;
  description: string;
  queueName: string;
  topicArns: string[];
}

/** Fires while a queue of undeliverable messages (a DLQ) holds anything. */
export function queueNotEmptyAlarm(scope: Construct, props: QueueNotEmptyAlarmProps): CloudwatchMetricAlarm {
  return anyCountAlarm(scope, {
    ...props,
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: { QueueName: props.queueName },
    statistic: 'Maximum',
    periodSeconds: 300,
  });
}
