// The hop from the EventBridge rules to the queue: what EventBridge cannot deliver (the queue gone,
// its policy or key refusing, throttling past the retries) is kept in a dead-letter queue of its own,
// and both that queue filling and each rule's FailedInvocations are announced on the operations path.
import type { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION_HOURS } from '../../shared/notifier-queue-settings';
import { denyInsecureTransport, policyDocument } from '../shared/iam-policy';
import { anyCountAlarm, queueNotEmptyAlarm } from '../shared/queue-alarm';
import { notifierLogicalId as logicalId, type notifierNames, notifierPartLogicalId } from './names';

/**
 * EventBridge retries an event the queue did not take for up to an hour (with backoff), then keeps it
 * in the dead-letter queue; a refusal that cannot heal (permissions, a missing queue) goes there at once.
 */
export const RULE_TARGET_RETRY = { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 } as const;

export interface RuleDeliveryProps {
  names: ReturnType<typeof notifierNames>;
  rules: CloudwatchEventRule[];
  operationsTopicArn: string;
}

export interface RuleDelivery {
  deadLetterQueue: SqsQueue;
  /** The DLQ's alarm and one FailedInvocations alarm per rule. */
  alarms: CloudwatchMetricAlarm[];
}

export function ruleDelivery(scope: Construct, props: RuleDeliveryProps): RuleDelivery {
  const { names, rules } = props;
  const deadLetterQueue = new SqsQueue(scope, 'rule_dlq', {
    name: names.ruleDeadLetterQueue,
    messageRetentionSeconds: DEAD_LETTER_RETENTION_HOURS * 3600,
    sqsManagedSseEnabled: true,
  });
  deadLetterQueue.overrideLogicalId(logicalId('ruleDeadLetterQueue'));
  new SqsQueuePolicy(scope, 'rule_dlq_policy', {
    queueUrl: deadLetterQueue.id,
    policy: policyDocument([
      {
        Sid: 'KeepUndeliveredUpdateServiceEvents',
        Effect: 'Allow',
        Principal: { Service: 'events.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: deadLetterQueue.arn,
        Condition: { ArnEquals: { 'aws:SourceArn': rules.length === 1 ? rules[0]!.arn : rules.map((r) => r.arn) } },
      },
      denyInsecureTransport('sqs:*', deadLetterQueue.arn),
    ]),
  }).overrideLogicalId(logicalId('ruleDeadLetterQueuePolicy'));

  const dlqAlarm = queueNotEmptyAlarm(scope, {
    logicalId: logicalId('ruleDlqAlarm'),
    alarmName: names.ruleDlqAlarm,
    description: `EventBridge could not deliver UpdateService events to ${names.queue}; they wait in ${names.ruleDeadLetterQueue} (the ERROR_CODE attribute says why). Fix the queue, then move them to ${names.queue} (help/troubleshooting.md)`,
    queueName: deadLetterQueue.name,
    topicArns: [props.operationsTopicArn],
  });
  const failed = rules.map((rule, index) => {
    const part = index + 1;
    const id = part === 1 ? logicalId('ruleFailedAlarm') : notifierPartLogicalId('ruleFailedAlarm', part);
    return anyCountAlarm(scope, {
      logicalId: id,
      alarmName: names.ruleFailedAlarm(part),
      description: `EventBridge rule ${part === 1 ? names.rule : names.extraRule(part)} failed to deliver UpdateService events to ${names.queue} after its retries (kept in ${names.ruleDeadLetterQueue} unless that failed too; help/troubleshooting.md)`,
      namespace: 'AWS/Events',
      metricName: 'FailedInvocations',
      dimensions: { RuleName: rule.name },
      statistic: 'Sum',
      periodSeconds: 300,
      topicArns: [props.operationsTopicArn],
    });
  });
  return { deadLetterQueue, alarms: [dlqAlarm, ...failed] };
}
