// One scheduled ECS service: the four resources of one legacy
// `module "<service>_scheduler" { source = "../../modules/ecs-scheduler" }` call.
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { Construct } from 'constructs';
import type { ServiceConfig } from '../../environments/schema';
import { ecsServiceArn, type AccountScope } from '../shared/arn';
import { policyDocument, serviceTrustPolicy } from '../shared/iam-policy';
import { weeklyCron, type WeeklyTime } from '../../shared/weekly-time';
import { legacySchedulerAddresses, schedulerLogicalIds, schedulerResourceNames } from '../../shared/scheduler-names';

/** EventBridge Scheduler universal target for ECS UpdateService. */
export const UPDATE_SERVICE_TARGET_ARN = 'arn:aws:scheduler:::aws-sdk:ecs:updateService';

/** Scheduler's limit on a schedule description. */
const SCHEDULE_DESCRIPTION_MAX = 512;

/**
 * The UpdateService call, byte for byte as the legacy `jsonencode({Cluster, Service, DesiredCount})`
 * wrote it: Terraform's jsonencode sorts keys, and the provider compares `input` as a string, so any
 * other key order shows every schedule as changed.
 */
export function updateServiceInput(cluster: string, service: string, desiredCount: number): string {
  return JSON.stringify({ Cluster: cluster, DesiredCount: desiredCount, Service: service });
}

export interface ScheduleTiming {
  timezone: string;
  scaleUp: WeeklyTime;
  scaleDown: WeeklyTime;
  /** 0 = exact time (mode OFF); otherwise FLEXIBLE with this maximum window. */
  flexibleWindowMinutes: number;
  retry: { maximumEventAgeMinutes: number; maximumRetryAttempts: number };
}

export interface ServiceSchedulerProps {
  environment: string;
  account: AccountScope;
  service: ServiceConfig;
  timing: ScheduleTiming;
  /** Where Scheduler keeps a call it could not make (sent with this service's role). */
  deadLetterQueueArn: string;
}

export class ServiceScheduler extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly scaleUp: SchedulerSchedule;
  readonly scaleDown: SchedulerSchedule;

  constructor(scope: Construct, props: ServiceSchedulerProps) {
    const { environment, account, service, timing, deadLetterQueueArn } = props;
    super(scope, service.resourceName);
    const names = schedulerResourceNames(service.resourceName, environment);
    const ids = schedulerLogicalIds(service.resourceName);
    // Each resource takes over the legacy module's state: `moved` from the old address.
    const legacy = legacySchedulerAddresses(service.legacyModule);

    this.role = new IamRole(this, 'ecs_scheduler_role', {
      name: names.role,
      description: `EventBridge Scheduler scales ECS service ${service.cluster}/${service.service} (${environment})`,
      assumeRolePolicy: serviceTrustPolicy('scheduler.amazonaws.com', account.accountId),
      tags: { Environment: environment, Service: service.service },
    });
    this.role.overrideLogicalId(ids.role);
    this.role.moveFromId(legacy.role);

    this.policy = new IamRolePolicy(this, 'ecs_scheduler_policy', {
      name: names.policy,
      role: this.role.id,
      policy: policyDocument([
        {
          Effect: 'Allow',
          Action: ['ecs:UpdateService'],
          Resource: [ecsServiceArn(account, service.cluster, service.service)],
        },
        // Scheduler sends an undeliverable call to the dead-letter queue with the schedule's role.
        { Sid: 'KeepFailedScalingCalls', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: deadLetterQueueArn },
      ]),
    });
    this.policy.overrideLogicalId(ids.policy);
    this.policy.moveFromId(legacy.policy);

    const schedule = (id: 'scaleUp' | 'scaleDown', when: WeeklyTime, desiredCount: number, verb: string) => {
      const description = `${verb} ${service.cluster}/${service.service} to ${desiredCount} at ${when.time} ${when.weekdays} ${timing.timezone}`;
      const resource = new SchedulerSchedule(this, id === 'scaleUp' ? 'scale_up' : 'scale_down', {
        name: names[id],
        description: description.slice(0, SCHEDULE_DESCRIPTION_MAX),
        scheduleExpression: weeklyCron(when),
        scheduleExpressionTimezone: timing.timezone,
        flexibleTimeWindow:
          timing.flexibleWindowMinutes > 0
            ? { mode: 'FLEXIBLE', maximumWindowInMinutes: timing.flexibleWindowMinutes }
            : { mode: 'OFF' },
        target: {
          arn: UPDATE_SERVICE_TARGET_ARN,
          roleArn: this.role.arn,
          input: updateServiceInput(service.cluster, service.service, desiredCount),
          retryPolicy: {
            maximumEventAgeInSeconds: timing.retry.maximumEventAgeMinutes * 60,
            maximumRetryAttempts: timing.retry.maximumRetryAttempts,
          },
          deadLetterConfig: { arn: deadLetterQueueArn },
        },
      });
      resource.overrideLogicalId(ids[id]);
      resource.moveFromId(legacy[id]);
      return resource;
    };
    this.scaleUp = schedule('scaleUp', timing.scaleUp, service.upCount, 'Scale up');
    this.scaleDown = schedule('scaleDown', timing.scaleDown, service.downCount, 'Scale down');
  }
}
