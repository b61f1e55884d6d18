// slack-notifier: mirrors legacy modules/slack-notifier. UpdateService calls made by the scheduler
// roles -> EventBridge rule -> SQS (with a DLQ) -> Lambda in batches -> a DynamoDB table per wave ->
// one Slack summary per wave, when it is complete and its services settled (ecs:DescribeServices on
// exactly those services) or at its deadline schedule; a settle check schedule after it.
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Fn, type TerraformResource } from 'cdktf';
import { Construct } from 'constructs';
import {
  DEAD_LETTER_RETENTION_HOURS,
  defaultBatchSize,
  queueRetentionSeconds,
  queueVisibilityTimeout,
} from '../../shared/notifier-queue-settings';
import type { EnvironmentConfig } from '../../environments/schema';
import type { AccountScope } from '../shared/arn';
import { BundledFunction } from '../shared/bundled-function';
import { functionAlarms } from '../shared/function-alarms';
import { queueNotEmptyAlarm } from '../shared/queue-alarm';
import { slackFunctionRole } from '../shared/function-role';
import { denyInsecureTransport, policyDocument } from '../shared/iam-policy';
import { webhookSecretReference } from '../shared/webhook-secret';
import { updateServicePatterns } from './event-pattern';
import { slackNotifierEnvironment } from './function-environment';
import { ecsReadPolicies } from './ecs-read-policy';
import { ManagementTrail } from './management-trail';
import {
  legacyNotifierAddress,
  notifierLogicalId as logicalId,
  notifierNames,
  notifierPartLogicalId,
  type NotifierResource,
} from './names';
import { waveManifestFiles } from './wave-manifest';
import { RULE_TARGET_RETRY, ruleDelivery } from './rule-delivery';
import { waveDeadlines, waveTable } from './wave-resources';
import { NOTIFIER_SERVICE } from './function-environment';

const DLQ_RETENTION_SECONDS = DEAD_LETTER_RETENTION_HOURS * 3600;

/** Takes over the legacy module's state of this resource: `moved` from `module.slack_notifier.<type>.<name>`. */
function moveFromLegacy(resource: TerraformResource, legacy: NotifierResource): void {
  resource.moveFromId(legacyNotifierAddress(resource.terraformResourceType, legacy));
}

export interface SlackNotifierProps {
  config: EnvironmentConfig;
  account: AccountScope;
  /** IAM role names of this environment's schedulers: the only callers that match the rule. */
  schedulerRoleNames: string[];
  /** The operations path: failures of this module's own delivery are announced there. */
  operationsTopicArn: string;
  /** Where the DLQ alarm goes too (the cloudwatch module's topic, to Slack), when there is one. */
  alarmTopicArn?: string;
}

export class SlackNotifier extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  /** The legacy rule: the first (often only) part of the caller list. */
  readonly rule: CloudwatchEventRule;
  /** Every rule of the caller list, each within EventBridge's pattern limit, all targeting the queue. */
  readonly rules: CloudwatchEventRule[];
  readonly function: BundledFunction;
  readonly eventSourceMapping: LambdaEventSourceMapping;
  readonly waveTable: DynamodbTable;
  readonly trail?: ManagementTrail;
  /** The alarms that announce this module's own failures (to the operations topic). */
  readonly operationsAlarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: SlackNotifierProps) {
    super(scope, id);
    const { config, account } = props;
    const settings = config.slackNotifier;
    const names = notifierNames(config.namePrefix, config.name);
    const secret = webhookSecretReference(settings.webhookSecret, account);

    if (settings.managementEventsTrail.mode === 'create') {
      this.trail = new ManagementTrail(this, 'management_trail', {
        trailName: names.trail,
        bucketName: names.trailBucket(account.accountId),
        account,
        logExpirationDays: settings.managementEventsTrail.logExpirationDays,
      });
    }

    this.rules = updateServicePatterns({
      accountId: account.accountId,
      roleNames: props.schedulerRoleNames,
    }).map((pattern, index, all) => {
      const part = index + 1;
      const rule = new CloudwatchEventRule(this, part === 1 ? 'rule' : `rule_${part}`, {
        name: part === 1 ? names.rule : names.extraRule(part),
        description:
          all.length === 1
            ? `ECS UpdateService calls made by the ${config.name} scheduler roles (CloudTrail)`
            : `ECS UpdateService calls made by the ${config.name} scheduler roles (CloudTrail), part ${part} of ${all.length}`,
        eventPattern: Fn.jsonencode(pattern),
      });
      rule.overrideLogicalId(part === 1 ? logicalId('rule') : notifierPartLogicalId('rule', part));
      if (part === 1) moveFromLegacy(rule, 'rule');
      return rule;
    });
    this.rule = this.rules[0]!;

    this.deadLetterQueue = new SqsQueue(this, 'dlq', {
      name: names.deadLetterQueue,
      messageRetentionSeconds: DLQ_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
    this.deadLetterQueue.overrideLogicalId(logicalId('deadLetterQueue'));

    this.queue = new SqsQueue(this, 'queue', {
      name: names.queue,
      messageRetentionSeconds: queueRetentionSeconds(settings.queueRetentionHours),
      visibilityTimeoutSeconds: queueVisibilityTimeout(settings.functionTimeoutSeconds, settings.batchingWindowSeconds),
      receiveWaitTimeSeconds: 0,
      sqsManagedSseEnabled: true,
      redrivePolicy: Fn.jsonencode({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: settings.maxReceiveCount,
      }),
    });
    this.queue.overrideLogicalId(logicalId('queue'));
    moveFromLegacy(this.queue, 'queue');

    const queuePolicy = new SqsQueuePolicy(this, 'queue_policy', {
      queueUrl: this.queue.id,
      policy: policyDocument([
        {
          Sid: 'AllowUpdateServiceRule',
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: this.queue.arn,
          // Every rule of the caller list, and nothing else.
          Condition: {
            ArnEquals: { 'aws:SourceArn': this.rules.length === 1 ? this.rule.arn : this.rules.map((r) => r.arn) },
          },
        },
        denyInsecureTransport('sqs:*', this.queue.arn),
      ]),
    });
    queuePolicy.overrideLogicalId(logicalId('queuePolicy'));
    moveFromLegacy(queuePolicy, 'queuePolicy');

    new SqsQueuePolicy(this, 'dlq_policy', {
      queueUrl: this.deadLetterQueue.id,
      policy: policyDocument([denyInsecureTransport('sqs:*', this.deadLetterQueue.arn)]),
    }).overrideLogicalId(logicalId('deadLetterQueuePolicy'));

    const delivery = ruleDelivery(this, { names, rules: this.rules, operationsTopicArn: props.operationsTopicArn });
    this.rules.forEach((rule, index) => {
      const part = index + 1;
      const target = new CloudwatchEventTarget(this, part === 1 ? 'target' : `target_${part}`, {
        rule: rule.name,
        targetId: 'SendToSQS',
        arn: this.queue.arn,
        retryPolicy: RULE_TARGET_RETRY,
        deadLetterConfig: { arn: delivery.deadLetterQueue.arn },
      });
      target.overrideLogicalId(part === 1 ? logicalId('target') : notifierPartLogicalId('target', part));
      if (part === 1) moveFromLegacy(target, 'target');
    });

    const { role, basicExecution, secretPolicy } = slackFunctionRole(this, {
      roleName: names.role,
      secretPolicyName: names.secretPolicy,
      accountId: account.accountId,
      secret,
      secretKmsKeyArn: settings.webhookSecretKmsKeyArn,
      logicalId,
    });
    moveFromLegacy(role, 'role');
    moveFromLegacy(basicExecution, 'basicExecution');

    const sqsPolicy = new IamRolePolicy(this, 'sqs_policy', {
      name: names.sqsPolicy,
      role: role.id,
      policy: policyDocument([
        {
          Effect: 'Allow',
          Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: this.queue.arn,
        },
      ]),
    });
    sqsPolicy.overrideLogicalId(logicalId('sqsPolicy'));
    moveFromLegacy(sqsPolicy, 'sqsPolicy');

    const waves = waveTable(this, { config, roleId: role.id, deadLetterQueueArn: this.deadLetterQueue.arn });
    this.waveTable = waves.table;
    const ecsRead = ecsReadPolicies(this, { config, account, roleName: role.name });

    this.function = new BundledFunction(this, 'function', {
      source: 'slack-notifier',
      files: waveManifestFiles(config),
      functionName: names.function,
      description: `Posts one Slack summary per scaling wave of the ${config.name} ECS schedulers`,
      roleArn: role.arn,
      timeoutSeconds: settings.functionTimeoutSeconds,
      memorySizeMb: settings.memorySizeMb,
      environment: slackNotifierEnvironment(config, secret.secretId),
      logGroupName: names.logGroup,
      logRetentionDays: settings.logRetentionDays,
      logicalIds: { function: logicalId('function'), logGroup: logicalId('logGroup') },
      dependsOn: [basicExecution, secretPolicy, waves.policy, ...ecsRead],
    });

    const deadlines = waveDeadlines(this, {
      config,
      accountId: account.accountId,
      functionArn: this.function.function.arn,
      functionName: this.function.function.functionName,
      deadLetterQueueArn: this.deadLetterQueue.arn,
      wavePolicy: waves.policy,
      operationsTopicArn: props.operationsTopicArn,
    });
    moveFromLegacy(this.function.function, 'function');

    this.eventSourceMapping = new LambdaEventSourceMapping(this, 'event_source_mapping', {
      eventSourceArn: this.queue.arn,
      functionName: this.function.function.arn,
      batchSize: settings.batchSize ?? defaultBatchSize(config.scheduler.services.length),
      maximumBatchingWindowInSeconds: settings.batchingWindowSeconds,
      functionResponseTypes: ['ReportBatchItemFailures'],
      enabled: settings.enabled,
      scalingConfig: { maximumConcurrency: settings.maximumConcurrency },
      // Lambda checks the role can read the queue when the mapping is created.
      dependsOn: [sqsPolicy],
    });
    this.eventSourceMapping.overrideLogicalId(logicalId('eventSourceMapping'));
    moveFromLegacy(this.eventSourceMapping, 'eventSourceMapping');

    // Announced on the operations path, which needs neither Slack nor a function; the alarm topic
    // (Slack) is told too, for when only a single record failed.
    const dlqAlarm = queueNotEmptyAlarm(this, {
      logicalId: logicalId('dlqAlarm'),
      alarmName: names.dlqAlarm,
      description: `Slack notifier records or wave close requests in ${names.deadLetterQueue} could not be delivered; read them there (help/troubleshooting.md), then redrive, replay or delete`,
      queueName: this.deadLetterQueue.name,
      topicArns: [props.operationsTopicArn, ...(props.alarmTopicArn ? [props.alarmTopicArn] : [])],
    });
    this.operationsAlarms = [
      dlqAlarm,
      deadlines.deadLetterAlarm,
      ...delivery.alarms,
      ...functionAlarms(this, {
        functionName: names.function,
        errorMeans:
          'a wave close or a batch failed (a close is retried twice, then kept in the dead-letter queue; records return to the queue)',
        names,
        logicalId,
        operationsTopicArn: props.operationsTopicArn,
        service: NOTIFIER_SERVICE,
        environment: config.name,
      }),
    ];
  }
}
