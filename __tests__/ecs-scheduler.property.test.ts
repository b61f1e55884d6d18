// Generative checks: for any service list the config accepts, the ecs-scheduler module (in a stack
// of its own) schedules every service exactly as configured, and nothing else.
import fc from 'fast-check';
import type { EnvironmentInput, ServiceInput } from '../environments/schema';
import { ConfigError, parseEnvironment } from '../environments/validate';
import { TEST_ACCOUNT, testEnvironment } from './support/environment-builder';
import { decodeJsonencode } from './support/jsonencode';
import { propertyRuns } from './support/property-runs';
import { resourcesOf, schedulerResourcesOf, synthScheduler, withServices } from './support/synth';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/);
const service: fc.Arbitrary<ServiceInput> = fc
  .record({
    cluster: fc.constantFrom('main', 'files-qa', 'batch_cluster'),
    service: name,
    upCount: fc.integer({ min: 0, max: 5 }),
    downDelta: fc.integer({ min: 0, max: 5 }),
    singleton: fc.boolean(),
  })
  .map(({ downDelta, singleton, upCount, ...rest }) => {
    const up = singleton ? Math.min(upCount, 1) : upCount;
    return { ...rest, upCount: up, downCount: Math.max(0, up - downDelta), singleton };
  });

const scheduler = fc.record({
  services: fc.uniqueArray(service, { minLength: 1, maxLength: 8, selector: (s) => s.service.replace(/-/g, '_') }),
  flexibleWindowMinutes: fc.integer({ min: 0, max: 60 }),
  timezone: fc.constantFrom('Asia/Seoul', 'UTC', 'Europe/Berlin', 'America/New_York'),
  upHour: fc.integer({ min: 5, max: 10 }),
  downHour: fc.integer({ min: 17, max: 22 }),
});

type GeneratedScheduler = typeof scheduler extends fc.Arbitrary<infer T> ? T : never;

function environment(s: GeneratedScheduler): EnvironmentInput {
  const env = withServices(testEnvironment(), s.services);
  const pad = (hour: number) => `${String(hour).padStart(2, '0')}:00`;
  Object.assign(env.scheduler, {
    flexibleWindowMinutes: s.flexibleWindowMinutes,
    timezone: s.timezone,
    scaleUp: { time: pad(s.upHour), weekdays: 'MON-FRI' },
    scaleDown: { time: pad(s.downHour), weekdays: 'MON-FRI' },
  });
  // The shortest wave grace period the config rules accept with this flexible window and the default
  // 15 min of retries (which must end by the deadline).
  env.slackNotifier.waveGraceMinutes = s.flexibleWindowMinutes + 15;
  return env;
}

describe('for any accepted service list', () => {
  it('each service gets its role, its one-action policy and both schedules, as configured', () => {
    fc.assert(
      fc.property(scheduler, (generated) => {
        const input = environment(generated);
        const config = parseEnvironment(input);
        const json = synthScheduler(input);
        const schedules = schedulerResourcesOf(json, 'aws_scheduler_schedule');
        const policies = resourcesOf(json, 'aws_iam_role_policy');
        expect(Object.keys(schedules)).toHaveLength(2 * config.scheduler.services.length);
        expect(Object.keys(schedulerResourcesOf(json, 'aws_iam_role'))).toHaveLength(config.scheduler.services.length);

        for (const svc of config.scheduler.services) {
          const found = Object.values(schedules).filter((s) => (s.name as string).startsWith(`${svc.service}-scale-`));
          expect(found.map((s) => s.name).sort()).toEqual([
            `${svc.service}-scale-down-qa`,
            `${svc.service}-scale-up-qa`,
          ]);
          for (const schedule of found) {
            const up = (schedule.name as string).includes('-scale-up-');
            const target = schedule.target as { input: string };
            expect(JSON.parse(target.input)).toEqual({
              Cluster: svc.cluster,
              Service: svc.service,
              DesiredCount: up ? svc.upCount : svc.downCount,
            });
            expect(schedule.schedule_expression).toBe(
              `cron(0 ${up ? generated.upHour : generated.downHour} ? * MON-FRI *)`,
            );
            expect(schedule.schedule_expression_timezone).toBe(generated.timezone);
            expect(schedule.flexible_time_window).toEqual(
              generated.flexibleWindowMinutes === 0
                ? { mode: 'OFF' }
                : { mode: 'FLEXIBLE', maximum_window_in_minutes: generated.flexibleWindowMinutes },
            );
          }
          const policy = Object.values(policies).find((p) => p.name === `${svc.service}-scheduler-policy-qa`);
          expect(decodeJsonencode(policy?.policy)).toEqual({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['ecs:UpdateService'],
                Resource: [`arn:aws:ecs:ap-northeast-2:${TEST_ACCOUNT}:service/${svc.cluster}/${svc.service}`],
              },
              {
                Sid: 'KeepFailedScalingCalls',
                Effect: 'Allow',
                Action: 'sqs:SendMessage',
                Resource: '${aws_sqs_queue.ecs_scheduler_scaling_dlq.arn}',
              },
            ],
          });
          if (svc.singleton) expect(svc.upCount).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: propertyRuns(60) },
    );
  }, 300_000); // 60 synths of the module in CI; several times their CPU time on a loaded machine

  it('a list with any service repeated is rejected, naming the repeat', () => {
    fc.assert(
      fc.property(fc.array(service, { minLength: 1, maxLength: 6 }), fc.nat(), (services, pick) => {
        const repeated = services[pick % services.length]!;
        const env = withServices(testEnvironment(), [...services, { ...repeated }]);
        let error: unknown;
        try {
          parseEnvironment(env);
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(ConfigError);
        expect((error as ConfigError).message).toContain(
          `services[${services.length}] (service "${repeated.service}")`,
        );
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
