// The ecs-scheduler module on environments the tests build: per service a role, its one-action
// policy and the two schedules, at the legacy names and addresses.
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { Testing } from 'cdktf';
import { UPDATE_SERVICE_TARGET_ARN } from '../constructs/ecs-scheduler';
import { parseEnvironment } from '../environments/validate';
import { TEST_ACCOUNT, testEnvironment, type Overrides } from './support/environment-builder';
import type { EnvironmentInput } from '../environments/schema';
import { decodeJsonencode, serviceTrust } from './support/jsonencode';
import { resourcesOf, schedulerResourcesOf, synthJson, synthText, type TerraformJson } from './support/synth';

Testing.setupJest(); // CDKTF's matchers: toHaveResourceWithProperties

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

const withScheduler = (scheduler: Overrides<EnvironmentInput['scheduler']>) => testEnvironment({ scheduler });

describe('a stack of three services (api and worker in apps-qa, the singleton batch-job in batch-qa)', () => {
  const input = testEnvironment();
  const config = parseEnvironment(input);
  const json = synthJson(input);
  const roles = schedulerResourcesOf(json, 'aws_iam_role');
  const policies = schedulerResourcesOf(json, 'aws_iam_role_policy');
  const all = schedules(json);

  it("holds 3 x (role, policy, scale-up, scale-down); the only other schedules are the notifier's wave deadlines and settle checks", () => {
    expect(Object.keys(roles).sort()).toEqual([
      'api_scheduler_ecs_scheduler_role',
      'batch_job_scheduler_ecs_scheduler_role',
      'worker_scheduler_ecs_scheduler_role',
    ]);
    expect(Object.keys(policies)).toHaveLength(3);
    const scheduler = Object.keys(schedulerResourcesOf(json, 'aws_scheduler_schedule'));
    expect(scheduler).toHaveLength(6);
    expect(
      Object.keys(all)
        .filter((id) => !scheduler.includes(id))
        .sort(),
    ).toEqual([
      'slack_notifier_wave_deadline_scale_down',
      'slack_notifier_wave_deadline_scale_up',
      'slack_notifier_wave_settle_scale_down',
      'slack_notifier_wave_settle_scale_up',
    ]);
  });

  describe.each(config.scheduler.services.map((s) => [s.service, s] as const))('service %s', (service, svc) => {
    const module = `${service.replace(/-/g, '_')}_scheduler`;
    const role = roles[`${module}_ecs_scheduler_role`];
    const policy = policies[`${module}_ecs_scheduler_policy`];
    const up = all[`${module}_scale_up`];
    const down = all[`${module}_scale_down`];

    it('keeps the legacy names under logical IDs derived from the service name', () => {
      expect(role).toMatchObject({ name: `${service}-scheduler-role-qa` });
      expect(policy).toMatchObject({
        name: `${service}-scheduler-policy-qa`,
        role: `\${aws_iam_role.${module}_ecs_scheduler_role.id}`,
      });
      expect(up?.name).toBe(`${service}-scale-up-qa`);
      expect(down?.name).toBe(`${service}-scale-down-qa`);
    });

    it('trusts only scheduler.amazonaws.com, for this account', () => {
      expect(decodeJsonencode(role?.assume_role_policy)).toEqual(serviceTrust('scheduler.amazonaws.com', TEST_ACCOUNT));
    });

    it('may call exactly ecs:UpdateService on its own service ARN, and dead-letter a call it could not make', () => {
      expect(decodeJsonencode(policy?.policy)).toEqual({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['ecs:UpdateService'],
            Resource: [`arn:aws:ecs:ap-northeast-2:${TEST_ACCOUNT}:service/${svc.cluster}/${service}`],
          },
          SCALING_DLQ_STATEMENT,
        ],
      });
    });

    it.each([
      ['scale-up', () => up, 'cron(30 8 ? * MON-FRI *)', svc.upCount],
      ['scale-down', () => down, 'cron(15 19 ? * MON-FRI *)', svc.downCount],
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
    expect(config.scheduler.services.filter((s) => s.singleton).map((s) => s.service)).toEqual(['batch-job']);
    expect(JSON.parse(all.batch_job_scheduler_scale_up!.target.input)).toMatchObject({ DesiredCount: 1 });
    expect(JSON.parse(all.batch_job_scheduler_scale_down!.target.input)).toMatchObject({ DesiredCount: 0 });
  });
});

describe('schedule options', () => {
  it('a 09:00 KST scale-up is cron(0 9 ? * MON-FRI *) in Asia/Seoul, not the legacy 00:00', () => {
    const input = withScheduler({ timezone: 'Asia/Seoul', scaleUp: { time: '09:00', weekdays: 'MON-FRI' } });
    expect(synthText(input)).toHaveResourceWithProperties(SchedulerSchedule, {
      name: 'worker-scale-up-qa',
      schedule_expression: 'cron(0 9 ? * MON-FRI *)',
      schedule_expression_timezone: 'Asia/Seoul',
    });
  });

  it('flexible window 0 gives mode OFF with no maximum window', () => {
    const json = synthJson(withScheduler({ flexibleWindowMinutes: 0 }));
    const found = Object.values(schedulerResourcesOf(json, 'aws_scheduler_schedule'));
    expect(found).toHaveLength(6);
    for (const schedule of found) expect(schedule.flexible_time_window).toEqual({ mode: 'OFF' });
  });

  it('takes times, weekdays, time zone and retry limits from the config', () => {
    const input = testEnvironment({
      scheduler: {
        timezone: 'Europe/Berlin',
        scaleUp: { time: '07:30', weekdays: 'MON,WED,FRI' },
        scaleDown: { time: '19:05', weekdays: '*' },
        flexibleWindowMinutes: 15,
        retry: { maximumEventAgeMinutes: 30, maximumRetryAttempts: 3 },
      },
      slackNotifier: { waveGraceMinutes: 45 }, // the retries (30 min) and the window (15) end by the deadline
    });
    const api = schedules(synthJson(input));
    expect(api.api_scheduler_scale_up).toMatchObject({
      schedule_expression: 'cron(30 7 ? * MON,WED,FRI *)',
      schedule_expression_timezone: 'Europe/Berlin',
      flexible_time_window: { mode: 'FLEXIBLE', maximum_window_in_minutes: 15 },
      target: { retry_policy: { maximum_event_age_in_seconds: 1800, maximum_retry_attempts: 3 } },
    });
    expect(api.api_scheduler_scale_down?.schedule_expression).toBe('cron(5 19 ? * * *)');
  });

  it('uses per-service counts', () => {
    const env = withScheduler({ services: [{ cluster: 'web', service: 'frontend', upCount: 3, downCount: 1 }] });
    const frontend = schedules(synthJson(env));
    expect(frontend.frontend_scheduler_scale_up?.target.input).toBe(
      '{"Cluster":"web","DesiredCount":3,"Service":"frontend"}',
    );
    expect(frontend.frontend_scheduler_scale_down?.target.input).toBe(
      '{"Cluster":"web","DesiredCount":1,"Service":"frontend"}',
    );
  });

  it('puts each legacy resource at the address the moved blocks will target', () => {
    const json = synthJson(
      withScheduler({
        services: [
          { cluster: 'main', service: 'python-api' },
          { cluster: 'files', service: 'file-scheduler-download', singleton: true },
        ],
      }),
    );
    // legacy module.python_api_scheduler.* and module.file_scheduler_download_scheduler.*
    expect(resourcesOf(json, 'aws_iam_role').python_api_scheduler_ecs_scheduler_role?.name).toBe(
      'python-api-scheduler-role-qa',
    );
    expect(resourcesOf(json, 'aws_iam_role_policy').python_api_scheduler_ecs_scheduler_policy?.name).toBe(
      'python-api-scheduler-policy-qa',
    );
    expect(schedules(json).python_api_scheduler_scale_up?.name).toBe('python-api-scale-up-qa');
    expect(schedules(json).file_scheduler_download_scheduler_scale_down?.name).toBe(
      'file-scheduler-download-scale-down-qa',
    );
  });

  it('names resources after resourceName while targeting the real ECS service', () => {
    const env = withScheduler({
      services: [
        { cluster: 'apps-qa', service: 'legacy-billing-reconciliation-worker-v2', resourceName: 'billing-recon' },
      ],
    });
    const json = synthJson(env);
    const role = resourcesOf(json, 'aws_iam_role').billing_recon_scheduler_ecs_scheduler_role;
    expect(role?.name).toBe('billing-recon-scheduler-role-qa');
    const policy = resourcesOf(json, 'aws_iam_role_policy').billing_recon_scheduler_ecs_scheduler_policy;
    expect(decodeJsonencode(policy?.policy)).toMatchObject({
      Statement: [
        {
          Resource: [
            `arn:aws:ecs:ap-northeast-2:${TEST_ACCOUNT}:service/apps-qa/legacy-billing-reconciliation-worker-v2`,
          ],
        },
        SCALING_DLQ_STATEMENT,
      ],
    });
    const input = JSON.parse(schedules(json).billing_recon_scheduler_scale_up!.target.input);
    expect(input.Service).toBe('legacy-billing-reconciliation-worker-v2');
  });

  it('logical IDs do not move when the service list is reordered', () => {
    const input = testEnvironment();
    const reversed = withScheduler({ services: [...input.scheduler.services].reverse() });
    const ids = (json: TerraformJson) => Object.keys(schedules(json)).sort();
    expect(ids(synthJson(reversed))).toEqual(ids(synthJson(input)));
    expect(ids(synthJson(input))).toHaveLength(10); // 2 x 3 services, 2 deadlines, 2 settle checks
  });
});
