import { ConfigError, loadEnvironments, parseEnvironment, type EnvironmentInput } from '../environments';
import { TEST_ACCOUNT, testEnvironment } from './support/environment-builder';

type Mutable = { scheduler: { services: Record<string, unknown>[] } & Record<string, unknown> } & Record<
  string,
  unknown
>;

/**
 * The environment each case changes: "qa" (testEnvironment) with `api` [0] and `worker` [1] in
 * apps-qa and the singleton `batch-job` [2] in batch-qa.
 */
function withChange(change: (env: Mutable) => void, base: EnvironmentInput = testEnvironment()): EnvironmentInput {
  const env = structuredClone(base) as unknown as Mutable;
  change(env);
  return env as unknown as EnvironmentInput;
}

function errorOf(input: EnvironmentInput): ConfigError {
  try {
    parseEnvironment(input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

describe('a valid environment', () => {
  const input = testEnvironment();
  const config = parseEnvironment(input);

  it('keeps what it sets: name, region, account, backend, tags, times', () => {
    expect(config).toMatchObject({
      name: 'qa',
      region: input.region,
      accountId: TEST_ACCOUNT,
      backend: input.backend,
      defaultTags: input.defaultTags,
    });
    expect(config.scheduler).toMatchObject({
      timezone: input.scheduler.timezone,
      scaleUp: input.scheduler.scaleUp,
      scaleDown: input.scheduler.scaleDown,
      flexibleWindowMinutes: input.scheduler.flexibleWindowMinutes,
    });
    expect(config.scheduler.services.map((s) => s.service)).toEqual(['api', 'worker', 'batch-job']);
  });

  it('fills the defaults: name prefix "ecs-scheduler"; per service up 1, down 0, resource name = service name, legacy module <name>_scheduler', () => {
    expect(config.namePrefix).toBe('ecs-scheduler');
    expect(config.scheduler.services.find((s) => s.service === 'worker')).toEqual({
      cluster: 'apps-qa',
      service: 'worker',
      resourceName: 'worker',
      legacyModule: 'worker_scheduler',
      upCount: 1,
      downCount: 0,
      singleton: false,
    });
    expect(config.scheduler.services.find((s) => s.service === 'batch-job')).toMatchObject({
      resourceName: 'batch-job',
      legacyModule: 'batch_job_scheduler',
      singleton: true,
    });
  });

  it('two environments with the same name are rejected', () => {
    const twice = () => loadEnvironments([testEnvironment(), testEnvironment()]);
    expect(twice).toThrow(ConfigError);
    expect(twice).toThrow('name: two environments are named "qa"');
  });
});

describe('config validation names the environment, the service, the field and the fix', () => {
  const longName = 'recommendation-feature-store-materializer-x'; // 43 chars
  const cases: { rule: string; change: (env: Mutable) => void; expected: string[] }[] = [
    {
      rule: 'duplicate service',
      change: (env) => env.scheduler.services.push({ cluster: 'apps-qa', service: 'worker' }),
      expected: [
        'services[3] (service "worker").service',
        'apps-qa/worker is already scheduled by services[1]',
        'List each service once',
      ],
    },
    {
      rule: 'the same ECS service under another resourceName',
      change: (env) => env.scheduler.services.push({ cluster: 'apps-qa', service: 'worker', resourceName: 'wk' }),
      expected: ['services[3] (service "worker").resourceName', 'two schedule pairs would race on one ECS service'],
    },
    {
      rule: 'the same service name in another cluster',
      change: (env) => env.scheduler.services.push({ cluster: 'other-cluster', service: 'worker' }),
      expected: [
        'services[3] (service "worker").service',
        '"worker" is already used by services[1] (in another cluster)',
        'Give one of them a distinct "resourceName"',
      ],
    },
    {
      rule: 'services colliding once "-" becomes "_"',
      change: (env) => env.scheduler.services.push({ cluster: 'c', service: 'batch_job' }),
      expected: ['services[3] (service "batch_job").service', '"batch_job" and "batch-job" (services[2])'],
    },
    {
      rule: 'services differing only in case (IAM names ignore case)',
      change: (env) => env.scheduler.services.push({ cluster: 'c', service: 'Batch-Job' }),
      expected: ['(service "Batch-Job").service', 'AWS names ignore case'],
    },
    {
      rule: 'IAM role name over 64 characters',
      change: (env) => env.scheduler.services.push({ cluster: 'c', service: `${longName}12345` }),
      expected: [
        `(service "${longName}12345").service`,
        `generated IAM role name "${longName}12345-scheduler-role-qa" is 66 characters; AWS allows 64`,
        'Set "resourceName" to a shorter name',
      ],
    },
    {
      rule: 'schedule name over 64 characters',
      change: (env) => env.scheduler.services.push({ cluster: 'c', service: `${longName}-abcdefghij` }),
      expected: [`generated schedule name "${longName}-abcdefghij-scale-down-qa" is 68 characters; AWS allows 64`],
    },
    {
      rule: 'a long resourceName is blamed on resourceName',
      change: (env) =>
        env.scheduler.services.push({ cluster: 'c', service: 'x', resourceName: `${longName}-abcdefghij` }),
      expected: ['(service "x").resourceName: generated IAM role name'],
    },
    {
      rule: 'unknown time zone',
      change: (env) => (env.scheduler.timezone = 'Asia/Seul'),
      expected: ['scheduler.timezone: unknown time zone "Asia/Seul"', 'IANA name such as "Asia/Seoul"'],
    },
    {
      rule: 'time zone not in canonical spelling',
      change: (env) => (env.scheduler.timezone = 'asia/seoul'),
      expected: ['scheduler.timezone: write the time zone as "Asia/Seoul"'],
    },
    {
      rule: 'malformed time',
      change: (env) => (env.scheduler.scaleUp = { time: '9am', weekdays: 'MON-FRI' }),
      expected: ['scheduler.scaleUp.time: time must be local wall-clock time as HH:MM (24 h)'],
    },
    {
      rule: 'hour out of range',
      change: (env) => (env.scheduler.scaleDown = { time: '24:00', weekdays: 'MON-FRI' }),
      expected: ['scheduler.scaleDown.time: time must be local wall-clock time as HH:MM'],
    },
    {
      rule: 'malformed weekday list',
      change: (env) => (env.scheduler.scaleUp = { time: '09:00', weekdays: 'MON-FRIDAY' }),
      expected: ['scheduler.scaleUp.weekdays: weekdays must be upper-case day names', '"MON-FRI"'],
    },
    {
      rule: 'lower-case weekdays',
      change: (env) => (env.scheduler.scaleDown = { time: '18:00', weekdays: 'mon,wed' }),
      expected: ['scheduler.scaleDown.weekdays'],
    },
    {
      rule: 'scale-up and scale-down at the same time',
      change: (env) => {
        env.scheduler.scaleUp = { time: '09:00', weekdays: 'MON-FRI' };
        env.scheduler.scaleDown = { time: '09:00', weekdays: 'MON-FRI' };
      },
      expected: ['scheduler.scaleDown.time: scale-up and scale-down both run at 09:00 on the same days'],
    },
    {
      rule: 'retries that could outlast the gap between the two actions',
      change: (env) => {
        env.scheduler.scaleUp = { time: '09:00', weekdays: 'MON-FRI' };
        env.scheduler.scaleDown = { time: '10:00', weekdays: 'MON-FRI' };
        env.scheduler.flexibleWindowMinutes = 5;
        env.scheduler.retry = { maximumEventAgeMinutes: 58, maximumRetryAttempts: 10 };
      },
      expected: [
        'scheduler.retry.maximumEventAgeMinutes: retries (58 min) plus the flexible window (5 min) reach 63 min',
        'only 60 min apart',
      ],
    },
    {
      rule: 'China region (another partition)',
      change: (env) => (env.region = 'cn-north-1'),
      expected: ['region: China regions use the aws-cn partition'],
    },
    {
      rule: 'tag key in the reserved aws: namespace',
      change: (env) => (env.defaultTags = { 'aws:owner': 'me' }),
      expected: ['defaultTags.aws:owner', 'not starting with "aws:"'],
    },
    {
      rule: 'singleton with upCount above 1',
      change: (env) => (env.scheduler.services[2]!.upCount = 2),
      expected: [
        'services[2] (service "batch-job").upCount',
        'a singleton service never runs more than one task, but upCount is 2',
        'set upCount to 1 or remove "singleton: true"',
      ],
    },
    {
      rule: 'negative upCount',
      change: (env) => (env.scheduler.services[1]!.upCount = -1),
      expected: ['services[1] (service "worker").upCount: upCount cannot be negative'],
    },
    {
      rule: 'negative downCount',
      change: (env) => (env.scheduler.services[2]!.downCount = -3),
      expected: ['services[2] (service "batch-job").downCount: downCount cannot be negative'],
    },
    {
      rule: 'fractional count',
      change: (env) => (env.scheduler.services[1]!.upCount = 1.5),
      expected: ['(service "worker").upCount: upCount must be a whole number of tasks'],
    },
    {
      rule: 'downCount above upCount',
      change: (env) => Object.assign(env.scheduler.services[0]!, { upCount: 1, downCount: 2 }),
      expected: ['(service "api").downCount: downCount (2) is above upCount (1)'],
    },
    {
      rule: 'flexible window below 0',
      change: (env) => (env.scheduler.flexibleWindowMinutes = -1),
      expected: ['scheduler.flexibleWindowMinutes: flexibleWindowMinutes must be 0 (exact time) to 60'],
    },
    {
      rule: 'flexible window above 60',
      change: (env) => (env.scheduler.flexibleWindowMinutes = 61),
      expected: ['scheduler.flexibleWindowMinutes: flexibleWindowMinutes must be 0 (exact time) to 60'],
    },
    {
      rule: 'empty cluster',
      change: (env) => (env.scheduler.services[0]!.cluster = ''),
      expected: ['services[0] (service "api").cluster: the ECS cluster name is empty'],
    },
    {
      rule: 'empty service',
      change: (env) => (env.scheduler.services[1]!.service = ''),
      expected: ['services[1] (service "").service: the ECS service name is empty'],
    },
    {
      rule: 'service with characters ECS does not allow',
      change: (env) => (env.scheduler.services[1]!.service = 'command service'),
      expected: ['(service "command service").service: "service" may hold only letters, digits, "-" and "_"'],
    },
    {
      rule: 'service starting with a digit',
      change: (env) => env.scheduler.services.push({ cluster: 'c', service: '3d-render' }),
      expected: ['(service "3d-render").service: Terraform addresses are derived from the service name'],
    },
    {
      rule: 'misspelt field',
      change: (env) => (env.scheduler.services[2]!.upcount = 2),
      expected: ['services[2] (service "batch-job"): unknown field "upcount"; check the spelling'],
    },
    {
      rule: 'no services',
      change: (env) => (env.scheduler.services = []),
      expected: ['scheduler.services: list at least one service to schedule'],
    },
    {
      rule: 'bad region',
      change: (env) => (env.region = 'seoul'),
      expected: ['region: region must be an AWS region code such as "ap-northeast-2"'],
    },
    {
      rule: 'unknown backend type',
      change: (env) => (env.backend = { type: 'gcs', bucket: 'b' }),
      expected: ['backend', '"cloud" (HCP Terraform) or "s3"'],
    },
    {
      rule: 'empty workspace',
      change: (env) => (env.backend = { type: 'cloud', organization: 'o', workspace: '' }),
      expected: ['backend.workspace: workspace is empty'],
    },
    {
      rule: 'account ID that is not 12 digits',
      change: (env) => (env.accountId = '1234'),
      expected: ['accountId: accountId must be the 12-digit AWS account ID'],
    },
    {
      rule: 'missing account ID',
      change: (env) => delete (env as { accountId?: string }).accountId,
      expected: ['accountId: accountId must be a string of 12 digits'],
    },
  ];

  it.each(cases)('$rule', ({ change, expected }) => {
    const error = errorOf(withChange(change));
    expect(error.message).toContain('Invalid configuration for environment "qa" (environments/qa.ts)');
    for (const part of expected) expect(error.message).toContain(part);
  });

  it('names the stg environment when stg is wrong', () => {
    const error = errorOf(
      withChange((env) => (env.scheduler.flexibleWindowMinutes = 90), testEnvironment({ name: 'stg' })),
    );
    expect(error.message).toContain('environment "stg"');
  });

  it('lists every field problem at once', () => {
    const error = errorOf(
      withChange((env) => {
        env.scheduler.timezone = 'Mars/Base';
        env.scheduler.services[1]!.upCount = -1;
        env.scheduler.services[2]!.cluster = '';
      }),
    );
    expect(error.problems).toEqual([
      expect.stringContaining('scheduler.timezone'),
      expect.stringContaining('services[1] (service "worker").upCount'),
      expect.stringContaining('services[2] (service "batch-job").cluster'),
    ]);
  });

  it('accepts the edges of each range', () => {
    const accepted = withChange((env) => {
      env.scheduler.flexibleWindowMinutes = 60;
      // The deadline (12:00 + 704 min) and its settle check (+ 15 min) both at 23:59 or before.
      Object.assign(env.slackNotifier as object, { waveGraceMinutes: 704, settleCheckMinutes: 15 });
      env.scheduler.scaleUp = { time: '00:00', weekdays: '*' };
      env.scheduler.scaleDown = { time: '12:00', weekdays: 'MON,WED-FRI,SUN' };
      env.scheduler.retry = { maximumEventAgeMinutes: 644, maximumRetryAttempts: 185 }; // + 60 = the deadline
      env.scheduler.services[2]!.upCount = 1; // the singleton
      env.scheduler.services[0]!.upCount = 0;
    });
    expect(parseEnvironment(accepted).scheduler).toMatchObject({ flexibleWindowMinutes: 60 });
  });

  it('accepts the same time on different days, and IANA aliases', () => {
    const accepted = withChange((env) => {
      env.scheduler.timezone = 'Asia/Kolkata';
      env.scheduler.scaleUp = { time: '09:00', weekdays: 'MON-FRI' };
      env.scheduler.scaleDown = { time: '09:00', weekdays: 'SAT' };
    });
    expect(parseEnvironment(accepted).scheduler.timezone).toBe('Asia/Kolkata');
  });

  it('does not name a file for an environment whose name is itself invalid', () => {
    const error = errorOf(withChange((env) => (env.name = 'Dev Env')));
    expect(error.message).toContain('Invalid configuration for environment "Dev Env":');
    expect(error.message).toContain('name: name must be 1-10 lower-case letters');
  });
});

describe('migration settings', () => {
  // testEnvironment's team is "qteam": the legacy alarm topic is qteam-db-alarm-topic.
  const SUBSCRIPTION = `arn:aws:sns:ap-northeast-2:${TEST_ACCOUNT}:qteam-db-alarm-topic:0b9f2c1e-7d3a-4e5b-9c8d-7a6b5c4d3e2f`;
  const adopting = (
    change: (cloudwatch: Record<string, unknown>) => void = () => undefined,
    base = testEnvironment(),
  ) =>
    withChange((env) => {
      const cloudwatch = env.cloudwatch as Record<string, unknown>;
      cloudwatch.legacyNames = true;
      cloudwatch.adoptLegacy = { subscriptionArn: SUBSCRIPTION };
      change(cloudwatch);
    }, base);

  it('reject a legacyModule that is not a module call name', () => {
    const input = withChange((env) => {
      env.scheduler.services[0]!.legacyModule = 'module.api_scheduler';
    });
    expect(errorOf(input).message).toContain(
      'scheduler.services[0] (service "api").legacyModule: legacyModule must be the legacy module call name, e.g. "python_api_scheduler"',
    );
  });

  it('reject two services taking over one legacy module', () => {
    const input = withChange((env) => {
      env.scheduler.services[1]!.legacyModule = 'api_scheduler';
    });
    expect(errorOf(input).problems).toEqual([
      'scheduler.services[1] (service "worker").legacyModule: legacy module "module.api_scheduler" is already taken over by services[0]; give each service the legacy module call that managed it ("legacyModule")',
    ]);
  });

  it('accept adopting the legacy cloudwatch resources with their names and subscription', () => {
    expect(parseEnvironment(adopting()).cloudwatch.adoptLegacy).toEqual({ subscriptionArn: SUBSCRIPTION });
  });

  it.each([
    [
      'without the legacy names',
      (cw: Record<string, unknown>) => (cw.legacyNames = false),
      'cloudwatch.adoptLegacy: adopting the legacy cloudwatch resources needs their names: set "legacyNames: true"',
    ],
    [
      "with another topic's subscription",
      (cw: Record<string, unknown>) => (cw.adoptLegacy = { subscriptionArn: SUBSCRIPTION.replace('qteam-db', 'x-db') }),
      'cloudwatch.adoptLegacy.subscriptionArn: subscriptionArn belongs to topic "x-db-alarm-topic", not to "qteam-db-alarm-topic"',
    ],
    [
      'with a subscription in another region',
      (cw: Record<string, unknown>) =>
        (cw.adoptLegacy = { subscriptionArn: SUBSCRIPTION.replace('northeast-2', 'northeast-1') }),
      "cloudwatch.adoptLegacy.subscriptionArn: subscriptionArn is not in this environment's region ap-northeast-2",
    ],
    [
      'with something that is not a subscription ARN',
      (cw: Record<string, unknown>) => (cw.adoptLegacy = { subscriptionArn: 'qteam-db-alarm-topic' }),
      'cloudwatch.adoptLegacy.subscriptionArn: subscriptionArn must be the ARN of the legacy topic',
    ],
  ])('reject adopting %s', (_what, change, message) => {
    expect(errorOf(adopting(change)).message).toContain(message);
  });

  it('reject two environments adopting the same legacy resources', () => {
    expect(() => loadEnvironments([adopting(), adopting(undefined, testEnvironment({ name: 'uat' }))])).toThrow(
      'cloudwatch.adoptLegacy: environment "qa" already adopts the legacy cloudwatch resources; one resource must live in one state only',
    );
  });
});

describe('the waves table', () => {
  it('rejects a service list whose wave would not fit one DynamoDB item', () => {
    const services = Array.from({ length: 900 }, (_, i) => ({
      cluster: 'c'.repeat(200),
      service: `service-${i}`.padEnd(200, 'x'),
      resourceName: `s${i}`,
    }));
    const input = withChange((env) => (env.scheduler.services = services));
    expect(errorOf(input).problems).toContainEqual(
      expect.stringMatching(
        /^scheduler\.services: 900 services make one wave's record in the waves table about \d+ KB .* above DynamoDB's 400 KB per item: split the services over two environments$/,
      ),
    );
  });

  it('accepts 500 services with ordinary names', () => {
    const input = withChange((env) => {
      env.scheduler.services = Array.from({ length: 500 }, (_, i) => ({
        cluster: 'main-cluster',
        service: `service-${i}`,
      }));
    });
    expect(parseEnvironment(input).scheduler.services).toHaveLength(500);
  });
});
