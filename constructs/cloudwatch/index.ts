// cloudwatch: mirrors legacy modules/cloudwatch. Aurora and ECS alarms -> encrypted SNS topic ->
// alert-service Lambda (bundled zip) -> Slack; failed deliveries are kept in an SQS queue.
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunctionEventInvokeConfig } from '@cdktf/provider-aws/lib/lambda-function-event-invoke-config';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../environments/schema';
import type { AccountScope } from '../shared/arn';
import { AlarmTopic, alarmArn } from '../shared/alarm-topic';
import { BundledFunction } from '../shared/bundled-function';
import { functionAlarms } from '../shared/function-alarms';
import { queueNotEmptyAlarm } from '../shared/queue-alarm';
import { slackFunctionRole } from '../shared/function-role';
import { denyInsecureTransport, policyDocument } from '../shared/iam-policy';
import { webhookSecretReference } from '../shared/webhook-secret';
import { adoptLegacyResources, ALLOW_SNS_STATEMENT_ID, legacyImportIds } from './adopt-legacy';
import { createAlarms } from './alarms';
import { deliveryTable } from './delivery-table';
import { ALERT_SERVICE, alertServiceEnvironment } from './function-environment';
import { cloudwatchLogicalId as logicalId, cloudwatchNames } from '../../shared/cloudwatch-names';

/** Lambda's own retries of a failed asynchronous invocation, and how long an event may wait. */
const ASYNC_RETRY_ATTEMPTS = 2;
const ASYNC_MAX_EVENT_AGE_SECONDS = 6 * 3600;
const FAILURE_RETENTION_SECONDS = 14 * 24 * 3600;

export interface CloudwatchProps {
  config: EnvironmentConfig;
  account: AccountScope;
  /** The operations path: failures of this module's own delivery are announced there. */
  operationsTopicArn: string;
}

export class Cloudwatch extends Construct {
  readonly topic: AlarmTopic;
  readonly function: BundledFunction;
  readonly failureQueue: SqsQueue;
  readonly alarms: CloudwatchMetricAlarm[];
  /** The alarms that announce this module's own failures (to the operations topic). */
  readonly operationsAlarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: CloudwatchProps) {
    super(scope, id);
    const { config, account } = props;
    const settings = config.cloudwatch;
    const names = cloudwatchNames(settings, config.name);
    const secret = webhookSecretReference(settings.webhookSecret, account);

    this.topic = new AlarmTopic(this, 'topic', {
      topicName: names.topic,
      keyAlias: names.topicKeyAlias,
      account,
      logicalIds: {
        key: logicalId('topicKey'),
        keyAlias: logicalId('topicKeyAlias'),
        topic: logicalId('topic'),
        policy: logicalId('topicPolicy'),
      },
    });
    this.topic.admitAlarms([alarmArn(account, '*')]);
    const topicArn = this.topic.topic.arn;

    this.failureQueue = new SqsQueue(this, 'failure_queue', {
      name: names.failureQueue,
      messageRetentionSeconds: FAILURE_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
    this.failureQueue.overrideLogicalId(logicalId('failureQueue'));
    new SqsQueuePolicy(this, 'failure_queue_policy', {
      queueUrl: this.failureQueue.id,
      policy: policyDocument([denyInsecureTransport('sqs:*', this.failureQueue.arn)]),
    }).overrideLogicalId(logicalId('failureQueuePolicy'));

    const { role, basicExecution, secretPolicy } = slackFunctionRole(this, {
      roleName: names.role,
      secretPolicyName: names.secretPolicy,
      accountId: account.accountId,
      secret,
      secretKmsKeyArn: settings.webhookSecretKmsKeyArn,
      logicalId,
    });
    const failurePolicy = new IamRolePolicy(this, 'failure_policy', {
      name: names.failurePolicy,
      role: role.id,
      policy: policyDocument([
        { Sid: 'KeepUndeliveredAlarms', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: this.failureQueue.arn },
      ]),
    });
    failurePolicy.overrideLogicalId(logicalId('failurePolicy'));
    const deliveries = deliveryTable(this, {
      tableName: names.deliveryTable,
      policyName: names.deliveryPolicy,
      roleId: role.id,
    });

    this.function = new BundledFunction(this, 'function', {
      source: 'alert-service',
      functionName: names.function,
      description: `Forwards ${config.name} CloudWatch alarms from ${names.topic} to Slack`,
      roleArn: role.arn,
      timeoutSeconds: settings.functionTimeoutSeconds,
      memorySizeMb: settings.memorySizeMb,
      environment: alertServiceEnvironment(config, secret.secretId),
      logGroupName: names.logGroup,
      logRetentionDays: settings.logRetentionDays,
      logicalIds: { function: logicalId('function'), logGroup: logicalId('logGroup') },
      dependsOn: [basicExecution, secretPolicy, deliveries.policy],
    });
    const fn = this.function.function;

    new LambdaFunctionEventInvokeConfig(this, 'async_invoke', {
      functionName: fn.functionName,
      maximumRetryAttempts: ASYNC_RETRY_ATTEMPTS,
      maximumEventAgeInSeconds: ASYNC_MAX_EVENT_AGE_SECONDS,
      destinationConfig: { onFailure: { destination: this.failureQueue.arn } },
      dependsOn: [failurePolicy],
    }).overrideLogicalId(logicalId('asyncInvokeConfig'));

    const permission = new LambdaPermission(this, 'allow_sns', {
      statementId: ALLOW_SNS_STATEMENT_ID,
      action: 'lambda:InvokeFunction',
      functionName: fn.functionName,
      principal: 'sns.amazonaws.com',
      sourceArn: topicArn,
    });
    permission.overrideLogicalId(logicalId('permission'));
    // Deleting a function deletes its permissions: when the function is replaced (e.g. the legacy
    // container image becoming a zip), replace the permission too, or SNS could no longer invoke it.
    permission.addOverride('lifecycle.replace_triggered_by', [
      `${fn.terraformResourceType}.${fn.friendlyUniqueId}.arn`,
    ]);

    const subscription = new SnsTopicSubscription(this, 'subscription', {
      topicArn,
      protocol: 'lambda',
      endpoint: fn.arn,
      dependsOn: [permission],
    });
    subscription.overrideLogicalId(logicalId('subscription'));

    this.alarms = createAlarms(this, settings, config.name, config.scheduler.services, topicArn);
    if (settings.adoptLegacy) {
      const alarm = (key: 'cpuAlarm' | 'freeableMemoryAlarm' | 'connectionsAlarm') =>
        this.alarms.find((a) => a.friendlyUniqueId === logicalId(key));
      adoptLegacyResources(
        {
          topic: this.topic.topic,
          subscription,
          function: fn,
          permission,
          role,
          secretPolicy,
          basicExecution,
          cpuAlarm: alarm('cpuAlarm'),
          freeableMemoryAlarm: alarm('freeableMemoryAlarm'),
          connectionsAlarm: alarm('connectionsAlarm'),
        },
        legacyImportIds(names, account, settings.adoptLegacy.subscriptionArn),
      );
    }

    // Undelivered alarms are announced on the operations path, which needs neither Slack nor this
    // function; the alarm topic (Slack) is told too, for when only a single post failed.
    const failureAlarm = queueNotEmptyAlarm(this, {
      logicalId: logicalId('failureAlarm'),
      alarmName: names.failureAlarm,
      description: `Alarms that could not be delivered to Slack wait in ${names.failureQueue}; read them there (help/troubleshooting.md)`,
      queueName: this.failureQueue.name,
      topicArns: [props.operationsTopicArn, topicArn],
    });
    this.operationsAlarms = [
      failureAlarm,
      ...functionAlarms(this, {
        functionName: names.function,
        errorMeans:
          'an alarm may not have reached Slack (Lambda retries it twice, then keeps it in the failures queue)',
        names,
        logicalId,
        operationsTopicArn: props.operationsTopicArn,
        service: ALERT_SERVICE,
        environment: config.name,
      }),
    ];
  }
}
