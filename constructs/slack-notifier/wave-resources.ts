// The resources of the wave model (help/architecture.md, "Waves"): the table that gathers each
// wave's results, the function's access to it, and per wave a deadline schedule that invokes the
// function to close the wave and a settle check schedule after it, with a role that may invoke only
// that function.
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../environments/schema';
import { WAVE_ACTIONS, WAVE_TABLE, type WaveAction } from '../../functions/slack-notifier/waves';
import { timeAfter, weeklyCron } from '../../shared/weekly-time';
import { denyInsecureTransport, policyDocument, serviceTrustPolicy } from '../shared/iam-policy';
import { queueNotEmptyAlarm } from '../shared/queue-alarm';
import { notifierLogicalId as logicalId, notifierNames } from './names';

/** What the function may do with the table: record, claim, read; nothing else, on nothing else. */
export const WAVE_TABLE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem', 'dynamodb:Query'];

/** Scheduler keeps retrying a failed invoke of the close for this long. */
const DEADLINE_RETRY = { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 10 } as const;
const DEADLINE_DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

export interface WaveTableProps {
  config: EnvironmentConfig;
  /** The function's execution role (its `id`). */
  roleId: string;
  /** Where Lambda keeps a close request that failed every retry. */
  deadLetterQueueArn: string;
}

/** The table (on demand, TTL, encrypted) and the function's policy for it. */
export function waveTable(scope: Construct, props: WaveTableProps): { table: DynamodbTable; policy: IamRolePolicy } {
  const names = notifierNames(props.config.namePrefix, props.config.name);
  const table = new DynamodbTable(scope, 'wave_table', {
    name: names.waveTable,
    billingMode: 'PAY_PER_REQUEST',
    hashKey: WAVE_TABLE.partitionKey,
    rangeKey: WAVE_TABLE.sortKey,
    attribute: [
      { name: WAVE_TABLE.partitionKey, type: 'S' },
      { name: WAVE_TABLE.sortKey, type: 'S' },
    ],
    ttl: { attributeName: WAVE_TABLE.ttlAttribute, enabled: true },
    // With a KMS key (AWS managed, aws/dynamodb) rather than only DynamoDB's default owned key.
    serverSideEncryption: { enabled: true },
  });
  table.overrideLogicalId(logicalId('waveTable'));

  const policy = new IamRolePolicy(scope, 'wave_policy', {
    name: names.wavePolicy,
    role: props.roleId,
    policy: policyDocument([
      { Sid: 'RecordWaves', Effect: 'Allow', Action: WAVE_TABLE_ACTIONS, Resource: table.arn },
      {
        Sid: 'KeepFailedWaveCloses',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: props.deadLetterQueueArn,
      },
    ]),
  });
  policy.overrideLogicalId(logicalId('wavePolicy'));
  return { table, policy };
}

export interface WaveDeadlineProps {
  config: EnvironmentConfig;
  accountId: string;
  functionArn: string;
  functionName: string;
  deadLetterQueueArn: string;
  /** The policy that lets the function send to the dead-letter queue (Lambda checks it). */
  wavePolicy: IamRolePolicy;
  /** Where the alarm on the deadlines' own dead-letter queue goes. */
  operationsTopicArn: string;
}

export interface WaveDeadlines {
  schedules: Record<WaveAction, SchedulerSchedule>;
  /** The settle checks, `settleCheckMinutes` after each deadline, with the same role and dead-letter queue. */
  settleChecks: Record<WaveAction, SchedulerSchedule>;
  /** Where Scheduler keeps a close it could not invoke, after its retries. */
  deadLetterQueue: SqsQueue;
  deadLetterAlarm: CloudwatchMetricAlarm;
}

/** The schedule that closes each wave `waveGraceMinutes` after it, and what it needs. */
export function waveDeadlines(scope: Construct, props: WaveDeadlineProps): WaveDeadlines {
  const { config } = props;
  const names = notifierNames(config.namePrefix, config.name);
  const grace = config.slackNotifier.waveGraceMinutes;

  // A close Scheduler could not invoke (function missing, throttled, not permitted) after its retries:
  // kept here, and announced on the operations path, never dropped.
  const deadLetterQueue = new SqsQueue(scope, 'deadline_dlq', {
    name: names.deadlineDeadLetterQueue,
    messageRetentionSeconds: DEADLINE_DLQ_RETENTION_SECONDS,
    sqsManagedSseEnabled: true,
  });
  deadLetterQueue.overrideLogicalId(logicalId('deadlineDeadLetterQueue'));
  new SqsQueuePolicy(scope, 'deadline_dlq_policy', {
    queueUrl: deadLetterQueue.id,
    policy: policyDocument([denyInsecureTransport('sqs:*', deadLetterQueue.arn)]),
  }).overrideLogicalId(logicalId('deadlineDeadLetterQueuePolicy'));
  const deadLetterAlarm = queueNotEmptyAlarm(scope, {
    logicalId: logicalId('deadlineDlqAlarm'),
    alarmName: names.deadlineDlqAlarm,
    description: `A wave deadline schedule could not invoke ${names.function}; the close request waits in ${names.deadlineDeadLetterQueue}. Replay it (help/troubleshooting.md)`,
    queueName: deadLetterQueue.name,
    topicArns: [props.operationsTopicArn],
  });

  const role = new IamRole(scope, 'deadline_role', {
    name: names.deadlineRole,
    description: `EventBridge Scheduler invokes ${names.function} to close and check each ${config.name} scaling wave`,
    assumeRolePolicy: serviceTrustPolicy('scheduler.amazonaws.com', props.accountId),
  });
  role.overrideLogicalId(logicalId('deadlineRole'));
  new IamRolePolicy(scope, 'deadline_policy', {
    name: names.deadlinePolicy,
    role: role.id,
    policy: policyDocument([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: props.functionArn },
      // Scheduler delivers a dead-letter event with the schedule's role.
      { Sid: 'KeepUninvokedCloses', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: deadLetterQueue.arn },
    ]),
  }).overrideLogicalId(logicalId('deadlinePolicy'));

  // Scheduler invokes the function asynchronously: Lambda retries a failed close twice, then keeps
  // the request in the dead-letter queue, whose alarm tells someone.
  new LambdaFunctionEventInvokeConfig(scope, 'close_retries', {
    functionName: props.functionName,
    maximumRetryAttempts: 2,
    maximumEventAgeInSeconds: 3600,
    destinationConfig: { onFailure: { destination: props.deadLetterQueueArn } },
    dependsOn: [props.wavePolicy],
  }).overrideLogicalId(logicalId('closeRetries'));

  const schedule = (action: WaveAction, kind: 'deadline' | 'settle') => {
    const when = action === 'scale-up' ? config.scheduler.scaleUp : config.scheduler.scaleDown;
    const after = kind === 'deadline' ? grace : grace + config.slackNotifier.settleCheckMinutes;
    const up = action === 'scale-up';
    const resource = new SchedulerSchedule(scope, `${kind}_${action}`, {
      name: kind === 'deadline' ? names.waveDeadline(action) : names.settleCheck(action),
      description:
        kind === 'deadline'
          ? `Closes the ${config.name} ${action} wave of ${when.time}: posts it to Slack if it is not complete by now, naming the services that never reported`
          : `Settle check of the ${config.name} ${action} wave of ${when.time}: names in one follow-up the services its summary showed still starting that did not reach their desired count`,
      scheduleExpression: weeklyCron({ time: timeAfter(when.time, after), weekdays: when.weekdays }),
      scheduleExpressionTimezone: config.scheduler.timezone,
      // The rollback switch pauses the deadlines with the queue's reader: a wave closed while its
      // results wait in the queue would be posted as "no call seen" for every service.
      state: config.slackNotifier.enabled ? 'ENABLED' : 'DISABLED',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: props.functionArn,
        roleArn: role.arn,
        input: JSON.stringify({
          [kind === 'deadline' ? 'closeWave' : 'checkWave']: {
            action,
            scheduledTime: '<aws.scheduler.scheduled-time>',
          },
        }),
        retryPolicy: DEADLINE_RETRY,
        deadLetterConfig: { arn: deadLetterQueue.arn },
      },
    });
    resource.overrideLogicalId(
      logicalId(
        kind === 'deadline' ? (up ? 'deadlineScaleUp' : 'deadlineScaleDown') : up ? 'settleScaleUp' : 'settleScaleDown',
      ),
    );
    return resource;
  };
  const byAction = (kind: 'deadline' | 'settle') =>
    Object.fromEntries(WAVE_ACTIONS.map((action) => [action, schedule(action, kind)])) as Record<
      WaveAction,
      SchedulerSchedule
    >;
  const schedules = byAction('deadline');
  const settleChecks = byAction('settle');
  return { schedules, settleChecks, deadLetterQueue, deadLetterAlarm };
}
