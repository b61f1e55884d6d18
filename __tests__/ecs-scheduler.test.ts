import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { UPDATE_SERVICE_TARGET_ARN } from '../constructs/ecs-scheduler';
import { parseEnvironment, type EnvironmentInput } from '../environments';
import { dev } from '../environments/dev';
import { stg } from '../environments/stg';
import { decodeJsonencode, serviceTrust } from './support/jsonencode';
import {
  copyOf,
  resourcesOf,
  schedulerResourcesOf,
  synthJson,
  synthText,
  withServices,
  type TerraformJson,
} from './support/synth';

const ACCOUNT = '111122223333'; // environments/dev.ts accountId
/** Every scheduler role may also send a call it could not make to the scaling dead-letter queue. */
const SCALING_DLQ_STATEMENT = {
  Sid: 'KeepFailedScalingCalls',
  Effect: 'Allow',
  Action: 'sqs:SendMessage',
  Resource: '${aws_sqs_queue.ecs_scheduler_scaling_dlq.arn}',
};

interface Schedule {
  name: string;
  schedule_expression: string;
  schedule_expression_timezone: string;
  flexible_time_window: { mode: string; maximum_window_in_minutes?: number };
  target: { arn: string; role_arn: string; input: string; retry_policy: Record<string, number> };
}

function schedules(json: TerraformJson): Record<string, Schedule> {
  return resourcesOf(json, 'aws_scheduler_schedule') as unknown as Record<string, Schedule>;
}

function withScheduler(change: Partial<EnvironmentInput['scheduler']>): EnvironmentInput {
  const env = copyOf(dev);
  Object.assign(env.scheduler, change);
  return env;
}

describe.each([
  ['dev', dev],
  ['stg', stg],
])('the %s stack', (envName, input) => {
  const config = parseEnvironment(input);
  const json = synthJson(input);
  const roles = schedulerResourcesOf(json, 'aws_iam_role');
  const policies = schedulerResourcesOf(json, 'aws_iam_role_policy');
  const all = schedules(json);

  it("holds 20 x (role, policy, scale-up, scale-down); the only other schedules are the notifier's wave deadlines", () => {
    expect(Object.keys(roles)).toHaveLength(20);
    expect(Object.keys(policies)).toHaveLength(20);
    const scheduler = Object.keys(schedulerResourcesOf(json, 'aws_scheduler_schedule'));
    expect(scheduler).toHaveLength(40);
    expect(
      Object.keys(all)
        .filter((id) => !scheduler.includes(id))
        .sort(),
    ).toEqual(['slack_notifier_wave_deadline_scale_down', 'slack_notifier_wave_deadline_scale_up']);
  });

  describe.each(config.scheduler.services.map((s) => [s.service, s] as const))('service %s', (service, svc) => {
    const module = `${service.replace(/-/g, '_')}_scheduler`;
    const role = roles[`${module}_ecs_scheduler_role`];
    const policy = policies[`${module}_ecs_scheduler_policy`];
    const up = all[`${module}_scale_up`];
    const down = all[`${module}_scale_down`];

    it('keeps the legacy names under logical IDs derived from the service name', () => {
      expect(role).toMatchObject({ name: `${service}-scheduler-role-${envName}` });
      expect(policy).toMatchObject({
        name: `${service}-scheduler-policy-${envName}`,
        role: `\${aws_iam_role.${module}_ecs_scheduler_role.id}`,
      });
      expect(up?.name).toBe(`${service}-scale-up-${envName}`);
      expect(down?.name).toBe(`${service}-scale-down-${envName}`);
    });

    it('trusts only scheduler.amazonaws.com, for this account', () => {
      expect(decodeJsonencode(role?.assume_role_policy)).toEqual(serviceTrust('scheduler.amazonaws.com'));
    });

    it('may call exactly ecs:UpdateService on its own service ARN, and dead-letter a call it could not make', () => {
      expect(decodeJsonencode(policy?.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['ecs:UpdateService'],
            Resource: [`arn:aws:ecs:ap-northeast-2:${ACCOUNT}:service/${svc.cluster}/${service}`],
          },
          SCALING_DLQ_STATEMENT,
        ],
      });
    });

    it.each([
      ['scale-up', () => up, 'cron(0 9 ? * MON-FRI *)', svc.upCount],
      ['scale-down', () => down, 'cron(0 18 ? * MON-FRI *)', svc.downCount],
    ])('%s runs at local time in Asia/Seoul within a 5-minute window', (_, get, cron, count) => {
      const schedule = get();
      expect(schedule).toMatchObject({
        schedule_expression: cron,
        schedule_expression_timezone: 'Asia/Seoul',
        flexible_time_window: { mode: 'FLEXIBLE', maximum_window_in_minutes: 5 },
      });
      expect(schedule?.target).toMatchObject({
        arn: UPDATE_SERVICE_TARGET_ARN,
        role_arn: `\${aws_iam_role.${module}_ecs_scheduler_role.arn}`,
        retry_policy: { maximum_event_age_in_seconds: 900, maximum_retry_attempts: 10 },
      });
      // Byte for byte what the legacy jsonencode() wrote (keys sorted), so the live input shows no diff.
      expect(schedule?.target.input).toBe(
        `{"Cluster":"${svc.cluster}","DesiredCount":${count},"Service":"${service}"}`,
      );
    });
  });

  it('never scales a singleton above 1', () => {
    for (const service of ['fileflow-scheduler-download', 'fileflow-scheduler-pipeline']) {
      const module = `${service.replace(/-/g, '_')}_scheduler`;
      expect(JSON.parse(all[`${module}_scale_up`]!.target.input)).toMatchObject({ DesiredCount: 1 });
      expect(JSON.parse(all[`${module}_scale_down`]!.target.input)).toMatchObject({ DesiredCount: 0 });
    }
  });
});

describe('schedule options', () => {
  it('a 09:00 KST scale-up is cron(0 9 ? * MON-FRI *) in Asia/Seoul, not the legacy 00:00', () => {
    expect(synthText(dev)).toHaveResourceWithProperties(SchedulerSchedule, {
      name: 'python-api-scale-up-dev',
      schedule_expression: 'cron(0 9 ? * MON-FRI *)',
      schedule_expression_timezone: 'Asia/Seoul',
    });
  });

  it('flexible window 0 gives mode OFF with no maximum window', () => {
    const json = synthJson(withScheduler({ flexibleWindowMinutes: 0 }));
    for (const schedule of Object.values(schedulerResourcesOf(json, 'aws_scheduler_schedule'))) {
      expect(schedule.flexible_time_window).toEqual({ mode: 'OFF' });
    }
  });

  it('takes times, weekdays, time zone and retry limits from the config', () => {
    const input = withScheduler({
      timezone: 'Europe/Berlin',
      scaleUp: { time: '07:30', weekdays: 'MON,WED,FRI' },
      scaleDown: { time: '19:05', weekdays: '*' },
      flexibleWindowMinutes: 15,
      retry: { maximumEventAgeMinutes: 30, maximumRetryAttempts: 3 },
    });
    input.slackNotifier.waveGraceMinutes = 45; // the retries end by the deadline
    const json = synthJson(input);
    const nestjs = schedules(json);
    expect(nestjs.nestjs_scheduler_scale_up).toMatchObject({
      schedule_expression: 'cron(30 7 ? * MON,WED,FRI *)',
      schedule_expression_timezone: 'Europe/Berlin',
      flexible_time_window: { mode: 'FLEXIBLE', maximum_window_in_minutes: 15 },
      target: { retry_policy: { maximum_event_age_in_seconds: 1800, maximum_retry_attempts: 3 } },
    });
    expect(nestjs.nestjs_scheduler_scale_down?.schedule_expression).toBe('cron(5 19 ? * * *)');
  });

  it('uses per-service counts', () => {
    const env = withServices(dev, [{ cluster: 'web', service: 'frontend', upCount: 3, downCount: 1 }]);
    const frontend = schedules(synthJson(env));
    expect(frontend.frontend_scheduler_scale_up?.target.input).toBe(
      '{"Cluster":"web","DesiredCount":3,"Service":"frontend"}',
    );
    expect(frontend.frontend_scheduler_scale_down?.target.input).toBe(
      '{"Cluster":"web","DesiredCount":1,"Service":"frontend"}',
    );
  });

  it('puts each legacy resource at the address the moved blocks will target', () => {
    const json = synthJson(dev);
    // legacy module.python_api_scheduler.* and module.fileflow_scheduler_download_scheduler.*
    expect(resourcesOf(json, 'aws_iam_role').python_api_scheduler_ecs_scheduler_role?.name).toBe(
      'python-api-scheduler-role-dev',
    );
    expect(resourcesOf(json, 'aws_iam_role_policy').python_api_scheduler_ecs_scheduler_policy?.name).toBe(
      'python-api-scheduler-policy-dev',
    );
    expect(schedules(json).python_api_scheduler_scale_up?.name).toBe('python-api-scale-up-dev');
    expect(schedules(json).fileflow_scheduler_download_scheduler_scale_down?.name).toBe(
      'fileflow-scheduler-download-scale-down-dev',
    );
  });

  it('names resources after resourceName while targeting the real ECS service', () => {
    const env = withServices(dev, [
      {
        cluster: 'terraform-study-dev-cluster',
        service: 'legacy-billing-reconciliation-worker-v2',
        resourceName: 'billing-recon',
      },
    ]);
    const json = synthJson(env);
    const role = resourcesOf(json, 'aws_iam_role').billing_recon_scheduler_ecs_scheduler_role;
    expect(role?.name).toBe('billing-recon-scheduler-role-dev');
    const policy = resourcesOf(json, 'aws_iam_role_policy').billing_recon_scheduler_ecs_scheduler_policy;
    expect(decodeJsonencode(policy?.policy)).toMatchObject({
      Statement: [
        {
          Resource: [
            `arn:aws:ecs:ap-northeast-2:${ACCOUNT}:service/terraform-study-dev-cluster/legacy-billing-reconciliation-worker-v2`,
          ],
        },
        SCALING_DLQ_STATEMENT,
      ],
    });
    const input = JSON.parse(schedules(json).billing_recon_scheduler_scale_up!.target.input);
    expect(input.Service).toBe('legacy-billing-reconciliation-worker-v2');
  });

  it('logical IDs do not move when the service list is reordered', () => {
    const reversed = copyOf(dev);
    reversed.scheduler.services = [...reversed.scheduler.services].reverse();
    const ids = (json: TerraformJson) => Object.keys(schedules(json)).sort();
    expect(ids(synthJson(reversed))).toEqual(ids(synthJson(dev)));
  });
});
