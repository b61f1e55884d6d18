// ecs-scheduler: mirrors legacy modules/ecs-scheduler, called once per service, plus the schedules'
// shared dead-letter queue (new): a scaling call Scheduler could not make within its retries (which end
// by the wave's deadline) is kept there, and the operations topic is told.
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../environments/schema';
import type { AccountScope } from '../shared/arn';
import { denyInsecureTransport, policyDocument } from '../shared/iam-policy';
import { queueNotEmptyAlarm } from '../shared/queue-alarm';
import { DEAD_LETTER_RETENTION_HOURS } from '../../shared/notifier-queue-settings';
import { scalingDeadLetterNames, schedulerResourceNames } from '../../shared/scheduler-names';
import { ServiceScheduler } from './service-scheduler';

const DEAD_LETTER_RETENTION_SECONDS = DEAD_LETTER_RETENTION_HOURS * 3600;

export interface EcsSchedulerProps {
  environment: string;
  /** Prefix of the names this project adds (the dead-letter queue and its alarm). */
  namePrefix: string;
  account: AccountScope;
  scheduler: EnvironmentConfig['scheduler'];
  /** Where the dead-letter queue's alarm goes. */
  operationsTopicArn: string;
}

export class EcsScheduler extends Construct {
  /** Keyed by the service's resource name (normally the ECS service name). */
  readonly services: ReadonlyMap<string, ServiceScheduler>;
  /** IAM role names of every schedule: the callers whose UpdateService calls are reported. */
  readonly roleNames: string[];
  /** Where Scheduler keeps a scaling call it could not make. */
  readonly deadLetterQueue: SqsQueue;
  /** Announce this module's own failures (to the operations topic). */
  readonly operationsAlarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: EcsSchedulerProps) {
    super(scope, id);
    const { services, ...timing } = props.scheduler;
    const dlq = scalingDeadLetterNames(props.namePrefix, props.environment);
    this.deadLetterQueue = new SqsQueue(this, 'scaling_dlq', {
      name: dlq.queue,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      sqsManagedSseEnabled: true,
    });
    this.deadLetterQueue.overrideLogicalId(dlq.logicalIds.queue);
    new SqsQueuePolicy(this, 'scaling_dlq_policy', {
      queueUrl: this.deadLetterQueue.id,
      policy: policyDocument([denyInsecureTransport('sqs:*', this.deadLetterQueue.arn)]),
    }).overrideLogicalId(dlq.logicalIds.policy);
    this.operationsAlarms = [
      queueNotEmptyAlarm(this, {
        logicalId: dlq.logicalIds.alarm,
        alarmName: dlq.alarm,
        description: `A scale schedule could not call ECS UpdateService within its retries (the service was not scaled); the call waits in ${dlq.queue}, its ERROR_CODE attribute says why. Scale the service by hand if needed (help/troubleshooting.md)`,
        queueName: this.deadLetterQueue.name,
        topicArns: [props.operationsTopicArn],
      }),
    ];

    this.services = new Map(
      services.map((service) => [
        service.resourceName,
        new ServiceScheduler(this, {
          environment: props.environment,
          account: props.account,
          service,
          timing,
          deadLetterQueueArn: this.deadLetterQueue.arn,
        }),
      ]),
    );
    this.roleNames = services.map((service) => schedulerResourceNames(service.resourceName, props.environment).role);
  }
}

export { UPDATE_SERVICE_TARGET_ARN } from './service-scheduler';
