// The migration preflight: the real `terraform plan` of test-owned environments that take over the
// legacy fixtures (fixtures/states: the states of the legacy roots in fixtures/legacy), and the
// state files it refuses. Four plans carry the cases: the CLI on the cloudwatch root alone (EKS
// alarms undecided; the stack, with every optional part, planned into an empty workspace, which
// also validates it), dev after the SNS -> SQS migration, stg before it adopting the cloudwatch
// root, and one state holding every mistake.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { EnvironmentInput } from '../environments';
import { LEGACY_EKS_ALARMS, LEGACY_VPC_ATTACHMENT } from '../scripts/migration/cloudwatch-handover';
import { checkMigration, type CheckOptions } from '../scripts/migration/check';
import { ADOPTED_CLOUDWATCH, ALLOWED_DESTROYS } from '../scripts/migration/legacy';
import type { MigrationReport, StackJson } from '../scripts/migration/plan';
import { renderReport } from '../scripts/migration/render';
import { stateDocument } from '../scripts/migration/state-document';
import { parseState } from '../scripts/migration/state-file';
import { LEGACY_ACCOUNT } from './fixtures/states/legacy-account';
import { adoptingCloudwatch, legacyEnvironment } from './support/legacy-environments';
import {
  asShowJson,
  CLOUDWATCH_STATE,
  CLOUDWATCH_TEAM_OTT_STATE,
  DEV_STATE,
  resourcesIn,
  STG_STATE,
  stateDoc,
  subscriptionArnIn,
  writeState,
} from './support/legacy-state';
import { projectCopy } from './support/project-copy';
import { synthJson } from './support/synth';
import { describeWithTerraform, TERRAFORM_TIMEOUT_MS } from './support/terraform';

const SCRATCH = mkdtempSync(path.join(tmpdir(), 'migrate-check-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const check = (environment: EnvironmentInput, stateFile: string, more: Partial<CheckOptions> = {}) =>
  checkMigration({ stack: environment.name, stateFile, environment, ...more });

const SNS_ERA = Object.keys(ALLOWED_DESTROYS);
const AURORA_ALARMS = [...ADOPTED_CLOUDWATCH.keys()].filter((a) => a.includes('aws_cloudwatch_metric_alarm.'));
const CLOUDWATCH_ALARMS = [...AURORA_ALARMS, ...LEGACY_EKS_ALARMS];

function managedAddresses(file: string): string[] {
  return resourcesIn(file)
    .filter((r) => r.mode === 'managed')
    .map((r) => r.address);
}

function declared(stack: StackJson): string[] {
  return Object.entries(stack.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((name) => `${type}.${name}`),
  );
}

const fateOf = (report: MigrationReport, address: string) => report.legacy.find((l) => l.address === address);

/** The environment that adopts the legacy cloudwatch root, with the given adoption settings. */
const adopting = (
  name: 'dev' | 'stg',
  adoptLegacy: Partial<Parameters<typeof adoptingCloudwatch>[0]>,
  state = CLOUDWATCH_STATE,
) =>
  legacyEnvironment(name, {
    cloudwatch: adoptingCloudwatch({ subscriptionArn: subscriptionArnIn(state), ...adoptLegacy }),
  });

const run = promisify(execFile);
/** `npm run <script>` as an operator runs it, in `cwd` (a process: arguments, output, exit code). */
async function command(
  cwd: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--require', 'tsx/cjs', script, ...args], { cwd, env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return error as { code: number; stdout: string; stderr: string };
  }
}

/**
 * dev adopting the legacy cloudwatch root without deciding the EKS alarms, with every optional
 * part besides (a created management-events trail, ECS alarms, an operations email).
 */
const FULL_DEV = legacyEnvironment('dev', {
  slackNotifier: { managementEventsTrail: { mode: 'create' } },
  cloudwatch: {
    ...adoptingCloudwatch({ subscriptionArn: subscriptionArnIn(CLOUDWATCH_STATE) }),
    ecsAlarms: { services: ['nestjs', 'fileflow-web-api'] },
  },
  operations: { emails: ['oncall-dev@ops.test'] },
});
/** A project copy with that dev. */
let copy: string;
beforeAll(() => {
  copy = projectCopy({ dev: FULL_DEV, stg: legacyEnvironment('stg') });
});
afterAll(() => rmSync(copy, { recursive: true, force: true }));
const migrateCheck = (args: string[], env?: NodeJS.ProcessEnv) => command(copy, 'scripts/migrate-check.ts', args, env);

describeWithTerraform('the real plan of each stack against its legacy state', () => {
  describe('npm run migrate:check on the state of the legacy cloudwatch module, the EKS alarms undecided', () => {
    let cli: { code: number; stdout: string; stderr: string };
    let report: MigrationReport;
    beforeAll(async () => {
      cli = await migrateCheck(['dev', '--state', CLOUDWATCH_STATE, '--json']);
      report = JSON.parse(cli.stdout) as MigrationReport;
    }, TERRAFORM_TIMEOUT_MS);

    it('exits 1, and gives each of the seven alarms its fate: the Aurora three imported, the EKS four NOT DECIDED', () => {
      expect(cli.code).toBe(1);
      expect(managedAddresses(CLOUDWATCH_STATE).filter((a) => a.includes('metric_alarm'))).toEqual(CLOUDWATCH_ALARMS);
      for (const address of AURORA_ALARMS) {
        expect(fateOf(report, address)).toEqual({
          address,
          fate: 'imported',
          to: ADOPTED_CLOUDWATCH.get(address),
          allowed: true,
        });
      }
      for (const address of LEGACY_EKS_ALARMS) {
        expect(fateOf(report, address)).toEqual({
          address,
          fate: 'deleted',
          allowed: false,
          reason: expect.stringMatching(/^NOT DECIDED: .*cloudwatch\.adoptLegacy\.eksAlarms: "delete" .* or "leave"/),
        });
      }
      expect(report.problems).toHaveLength(4);
      const text = renderReport(report);
      for (const address of CLOUDWATCH_ALARMS) expect(text).toContain(address);
      expect(text).toMatch(/^NOT OK \(4\)/m);
    });

    it('imports every adopted resource under the names the legacy computes (team formation-lap, function ott-alert-service): none fails', () => {
      expect(report.imported.map((i) => i.status)).toEqual(Array(10).fill('planned'));
      expect(Object.fromEntries(report.imported.map((i) => [i.to, i.id]))).toMatchObject({
        'aws_sns_topic.cloudwatch_db_alarm_topic': `arn:aws:sns:ap-northeast-2:${LEGACY_ACCOUNT}:formation-lap-db-alarm-topic`,
        'aws_lambda_function.cloudwatch_alert_service': 'ott-alert-service',
        'aws_iam_role.cloudwatch_alert_exec': 'formation-lap-alert-service-role',
        'aws_iam_role_policy.cloudwatch_alert_secrets_policy':
          'formation-lap-alert-service-role:formation-lap-alert-secrets-policy',
      });
      expect(report.created).not.toEqual(
        expect.arrayContaining([expect.stringMatching(/^aws_sns_topic\.cloudwatch_db_alarm_topic$/)]),
      );
      expect(report.notes).toEqual([expect.stringContaining("is the legacy cloudwatch root's state")]);
    });

    it('plans the rest of the stack into the empty workspace: it creates exactly what the stack declares, nothing else', () => {
      const declaredHere = declared(synthJson(FULL_DEV));
      expect(declaredHere).toEqual(
        expect.arrayContaining([
          'aws_cloudtrail.slack_notifier_trail_management_events',
          'aws_sns_topic_subscription.operations_email_oncall_dev_ops_test',
        ]),
      );
      expect(declaredHere.filter((a) => /^aws_cloudwatch_metric_alarm\.cloudwatch_.*_ecs_/.test(a))).toHaveLength(4);
      const imports = new Set(report.imported.map((i) => i.to));
      expect([...report.created].sort()).toEqual(declaredHere.filter((a) => !imports.has(a)).sort());
      expect(report.moved).toEqual([]);
      expect(report.replaced.every((r) => imports.has(r.address))).toBe(true);
    });
  });

  describe('dev after the SNS -> SQS migration', () => {
    const dev = legacyEnvironment('dev');
    let report: MigrationReport;
    beforeAll(async () => {
      report = await check(dev, DEV_STATE);
    }, TERRAFORM_TIMEOUT_MS);

    it('is ok, and its text report says so with the counts', () => {
      expect(report.ok).toBe(true);
      const text = renderReport(report);
      expect(text).toMatch(/^moved \(89\)$/m);
      expect(text).toMatch(/^replaced \(0\)$/m);
      expect(text).toMatch(/^destroyed \(0\)$/m);
      expect(text).toMatch(/^OK: /m);
    });

    it('moves every legacy resource: each has that fate, none is deleted or replaced', () => {
      const legacy = managedAddresses(DEV_STATE);
      expect(legacy).toHaveLength(89);
      expect(report.legacy.map((l) => [l.address, l.fate])).toEqual(legacy.map((a) => [a, 'moved']));
      expect(report.moved.map((m) => m.from).sort()).toEqual([...legacy].sort());
      expect(report.destroyed).toEqual([]);
      expect(report.replaced).toEqual([]);
    });

    it('creates exactly the resources no legacy address moves to, and keeps nothing else unaccounted', () => {
      const targets = new Set(report.moved.map((m) => m.to));
      expect(report.created.sort()).toEqual(
        declared(synthJson(dev) as unknown as StackJson)
          .filter((a) => !targets.has(a))
          .sort(),
      );
      for (const { address } of report.updated) expect(targets.has(address)).toBe(true);
    });

    it('moves each scheduler service to its own resources, changing them in place', () => {
      expect(report.moved).toContainEqual({
        from: 'module.python_api_scheduler.aws_scheduler_schedule.scale_up',
        to: 'aws_scheduler_schedule.python_api_scheduler_scale_up',
      });
      expect(report.updated).toContainEqual({
        address: 'aws_scheduler_schedule.python_api_scheduler_scale_up',
        attributes: expect.arrayContaining(['schedule_expression']),
      });
    });

    it('leaves the data sources out of the planned copy, and says so', () => {
      const data = resourcesIn(DEV_STATE).filter((r) => r.mode === 'data');
      expect(data.length).toBeGreaterThan(20);
      expect([...report.droppedDataSources].sort()).toEqual(data.map((d) => d.address).sort());
    });
  });

  describe('stg before the migration (SNS era), adopting the cloudwatch root applied with our_team "ott", EKS alarms deleted', () => {
    const stg = adopting(
      'stg',
      {
        eksAlarms: 'delete',
        names: {
          topic: 'ott-db-alarm-topic',
          role: 'ott-alert-service-role',
          secretPolicy: 'ott-alert-secrets-policy',
        },
      },
      CLOUDWATCH_TEAM_OTT_STATE,
    );
    let report: MigrationReport;
    beforeAll(async () => {
      report = await check(stg, STG_STATE, { cloudwatchStateFile: CLOUDWATCH_TEAM_OTT_STATE });
    }, TERRAFORM_TIMEOUT_MS);

    it('is ok: every resource of both states has a decided fate', () => {
      expect(report.problems).toEqual([]);
      expect(report.ok).toBe(true);
      const all = [...managedAddresses(STG_STATE), ...managedAddresses(CLOUDWATCH_TEAM_OTT_STATE)];
      expect(report.legacy.map((l) => l.address)).toEqual(all);
      expect(report.legacy.every((l) => l.allowed)).toBe(true);
    });

    it('moves 84, deletes the SNS five, the EKS four and the VPC attachment, as allowed', () => {
      expect(report.moved).toHaveLength(84);
      expect(report.destroyed.map((d) => d.address).sort()).toEqual(
        [...SNS_ERA, ...LEGACY_EKS_ALARMS, LEGACY_VPC_ATTACHMENT].sort(),
      );
      expect(report.destroyed.every((d) => d.allowed)).toBe(true);
      for (const address of LEGACY_EKS_ALARMS) {
        expect(fateOf(report, address)).toMatchObject({
          fate: 'deleted',
          allowed: true,
          reason: expect.stringContaining('eksAlarms = "delete"'),
        });
      }
    });

    it('imports the ten under the names given (team formation-lap, topic ott-db-alarm-topic, role ott-alert-service-role, function ott-alert-service), none failing', () => {
      expect(report.imported.map((i) => i.status)).toEqual(Array(10).fill('planned'));
      expect(report.imported.map((i) => i.from).sort()).toEqual([...ADOPTED_CLOUDWATCH.keys()].sort());
      expect(Object.fromEntries(report.imported.map((i) => [i.to, i.id]))).toMatchObject({
        'aws_sns_topic.cloudwatch_db_alarm_topic': `arn:aws:sns:ap-northeast-2:${LEGACY_ACCOUNT}:ott-db-alarm-topic`,
        'aws_lambda_function.cloudwatch_alert_service': 'ott-alert-service',
        'aws_iam_role.cloudwatch_alert_exec': 'ott-alert-service-role',
      });
    });

    it('counts imports as imports, never as created, and replaces what the real plan replaces, as intended', () => {
      const imports = report.imported.map((i) => i.to);
      const moved = new Set(report.moved.map((m) => m.to));
      expect(report.created.filter((a) => imports.includes(a))).toEqual([]);
      expect(report.created.sort()).toEqual(
        declared(synthJson(stg) as unknown as StackJson)
          .filter((a) => !moved.has(a) && !imports.includes(a))
          .sort(),
      );
      expect(
        report.replaced.map(({ address, replacePaths, intended }) => ({ address, replacePaths, intended })),
      ).toEqual([
        { address: 'aws_lambda_function.cloudwatch_alert_service', replacePaths: ['package_type'], intended: true },
        {
          address: 'aws_lambda_permission.cloudwatch_allow_sns',
          replacePaths: ['replace_triggered_by'],
          intended: true,
        },
        { address: 'aws_sns_topic_subscription.cloudwatch_alert_sub', replacePaths: ['endpoint'], intended: true },
      ]);
      expect(fateOf(report, 'module.cloudwatch.aws_lambda_function.alert_service')).toMatchObject({
        fate: 'replaced',
        to: 'aws_lambda_function.cloudwatch_alert_service',
        allowed: true,
      });
    });
  });

  describe('a state that must not be applied', () => {
    // One plan for every mistake: a resource the migration does not know, a preserved name that would
    // change, a service whose legacy module has another name, and an adoption whose function name is
    // not the legacy's (the project's former `${team}-alert-service`), the EKS alarms left unmanaged.
    const dev = adopting('dev', { eksAlarms: 'leave', names: { function: 'formation-lap-alert-service' } });
    let report: MigrationReport;
    beforeAll(async () => {
      const doc = stateDoc(DEV_STATE);
      doc.resources.push({
        module: 'module.slack_notifier',
        mode: 'managed',
        type: 'aws_cloudwatch_log_group',
        name: 'lambda_logs',
        instances: [
          {
            attributes: {
              id: '/aws/lambda/x',
              name: '/aws/lambda/ecs-scheduler-slack-notifier-dev',
              arn: `arn:aws:logs:ap-northeast-2:${LEGACY_ACCOUNT}:log-group:/aws/lambda/x`,
            },
          },
        ],
      });
      doc.resources.find((r) => r.type === 'aws_sqs_queue' && r.name === 'alerts')!.instances[0]!.attributes.name =
        'ecs-scheduler-alerts-dev-v1';
      for (const r of doc.resources)
        if (r.module === 'module.python_api_scheduler') r.module = 'module.pythonapi_scheduler';
      report = await check(dev, writeState(SCRATCH, 'mistakes.json', doc), { cloudwatchStateFile: CLOUDWATCH_STATE });
    }, TERRAFORM_TIMEOUT_MS);

    it('is not ok', () => expect(report.ok).toBe(false));

    it('names a resource the migration does not know', () => {
      expect(report.destroyed).toContainEqual({
        address: 'module.slack_notifier.aws_cloudwatch_log_group.lambda_logs',
        allowed: false,
        reason: expect.stringContaining('not a legacy resource'),
      });
    });

    it('names the resource whose preserved name would change, and the argument Terraform reports', () => {
      expect(report.replaced).toContainEqual({
        address: 'aws_sqs_queue.slack_notifier_alerts',
        replacePaths: ['name'],
        intended: false,
        reason: expect.stringContaining('name: "ecs-scheduler-alerts-dev-v1" -> "ecs-scheduler-alerts-dev"'),
      });
    });

    it('says to set legacyModule for a service called by another module name', () => {
      const scheduler = report.destroyed.filter((d) => d.address.startsWith('module.pythonapi_scheduler.'));
      expect(scheduler).toHaveLength(4);
      for (const d of scheduler) {
        expect(d).toMatchObject({ allowed: false });
        expect(d.reason).toContain('set that service\'s "legacyModule" to "pythonapi_scheduler"');
      }
    });

    it('reports the import of a function the legacy does not hold as failing, naming the one it holds', () => {
      const fn = report.imported.find((i) => i.to === 'aws_lambda_function.cloudwatch_alert_service');
      expect(fn).toMatchObject({
        id: 'formation-lap-alert-service',
        status: 'fails',
        reason: expect.stringMatching(/Cannot import non-existent remote object.*it holds "ott-alert-service"/),
      });
      expect(report.imported.filter((i) => i.status === 'fails').map((i) => i.to)).toEqual([
        'aws_lambda_function.cloudwatch_alert_service',
        'aws_lambda_permission.cloudwatch_allow_sns',
      ]);
      expect(fateOf(report, 'module.cloudwatch.aws_lambda_function.alert_service')).toMatchObject({
        fate: 'left unmanaged',
        allowed: false,
        reason: expect.stringContaining('adoptLegacy.names'),
      });
    });

    it('leaves the EKS alarms unmanaged, as decided, and says so', () => {
      for (const address of LEGACY_EKS_ALARMS) {
        expect(fateOf(report, address)).toMatchObject({
          fate: 'left unmanaged',
          allowed: true,
          reason: expect.stringContaining('eksAlarms = "leave"'),
        });
      }
      expect(renderReport(report)).toContain(`left unmanaged     ${LEGACY_EKS_ALARMS[0]}`);
    });
  });
});

describe('the synthesized stacks', () => {
  it.each([
    ['dev', DEV_STATE],
    ['stg', STG_STATE],
  ] as const)('%s has a moved block from each preserved legacy address to a resource of the stack', (name, file) => {
    const stack = synthJson(legacyEnvironment(name)) as unknown as StackJson;
    const moved = new Map((stack.moved ?? []).map((m) => [m.from, m.to]));
    for (const address of managedAddresses(file).filter((a) => !SNS_ERA.includes(a))) {
      const to = moved.get(address);
      expect({ address, to }).toEqual({ address, to: expect.any(String) });
      const [type, name] = to!.split('.');
      expect(stack.resource?.[type!]?.[name!]).toBeDefined();
    }
  });

  it('the legacy module name is overridable per service', () => {
    const input = legacyEnvironment('dev');
    input.scheduler.services[1] = { ...input.scheduler.services[1]!, legacyModule: 'pythonapi_scheduler' };
    const moved = (synthJson(input) as unknown as StackJson).moved ?? [];
    expect(moved).toContainEqual({
      from: 'module.pythonapi_scheduler.aws_iam_role.ecs_scheduler_role',
      to: 'aws_iam_role.python_api_scheduler_ecs_scheduler_role',
    });
    expect(moved.map((m) => m.from)).not.toContain('module.python_api_scheduler.aws_iam_role.ecs_scheduler_role');
  });

  it('an adopting stack declares the legacy names it imports, the function hard-coded as the legacy has it', () => {
    const stack = synthJson(adopting('dev', {}));
    const ids = Object.fromEntries(((stack as unknown as StackJson).import ?? []).map((i) => [i.to, i.id]));
    expect(Object.keys(ids)).toHaveLength(10);
    expect(ids['aws_sns_topic.cloudwatch_db_alarm_topic']).toBe(
      `arn:aws:sns:ap-northeast-2:${LEGACY_ACCOUNT}:formation-lap-db-alarm-topic`,
    );
    expect(stack.resource.aws_lambda_function?.cloudwatch_alert_service?.function_name).toBe('ott-alert-service');
    expect(stack.resource.aws_iam_role?.cloudwatch_alert_exec?.name).toBe('formation-lap-alert-service-role');
    const named = synthJson(
      adopting(
        'dev',
        { names: { topic: 'ott-db-alarm-topic', role: 'ott-alert-service-role' } },
        CLOUDWATCH_TEAM_OTT_STATE,
      ),
    );
    expect(named.resource.aws_sns_topic?.cloudwatch_db_alarm_topic?.name).toBe('ott-db-alarm-topic');
    expect(named.resource.aws_iam_role?.cloudwatch_alert_exec?.name).toBe('ott-alert-service-role');
  });
});

describe('a state file refused before planning', () => {
  const dev = legacyEnvironment('dev');

  it.each([
    ['not JSON', '{"version": 4, "resources": [', /is not JSON/],
    ['state version 3', JSON.stringify({ version: 3, modules: [] }), /format version 3; this check reads version 4/],
    ['a plan', JSON.stringify({ format_version: '1.2', planned_values: {}, resource_changes: [] }), /is a plan/],
    ['not a state', JSON.stringify({ hello: 'world' }), /not a Terraform state/],
  ])('is refused when it is %s', async (_what, text, message) => {
    await expect(check(dev, writeState(SCRATCH, 'bad.json', text))).rejects.toThrow(message);
  });

  it.each([
    ['empty', { version: 4, terraform_version: '1.11.4', serial: 1, lineage: 'x', outputs: {}, resources: [] }],
    [
      'another workspace',
      {
        ...stateDoc(DEV_STATE),
        resources: [
          { mode: 'managed', type: 'aws_s3_bucket', name: 'site', instances: [{ attributes: { bucket: 'site' } }] },
        ],
      },
    ],
  ])('is refused with one clear line when it holds no legacy resource (%s)', async (_what, doc) => {
    await expect(check(dev, writeState(SCRATCH, 'none.json', doc))).rejects.toThrow(
      /holds no legacy resource .* and none of stack dev.s own: it is empty or from another workspace\. Pull the state of the legacy workspace ecs-scheduler-dev/,
    );
  });

  it('is refused when it belongs to another environment', async () => {
    await expect(check(dev, STG_STATE)).rejects.toThrow(
      /belongs to environment "stg" .* not to stack "dev": pull the state of the dev workspace, or run the check with --stack stg/,
    );
  });

  it('is refused when the file cannot be read, or the stack is not the environment given', async () => {
    await expect(check(dev, path.join(SCRATCH, 'missing.json'))).rejects.toThrow(/cannot read .*missing\.json: ENOENT/);
    await expect(checkMigration({ stack: 'prod', stateFile: DEV_STATE, environment: dev })).rejects.toThrow(
      /--stack prod: the environment given is "dev"/,
    );
  });

  it.each([
    ['dev', DEV_STATE],
    ['stg', STG_STATE],
  ])('hands terraform the same state whether pulled or printed by show -json (%s)', (_stack, file) => {
    const pulled = parseState(readFileSync(file, 'utf8'), file);
    const shown = parseState(JSON.stringify(asShowJson(stateDoc(file))), 'show.json');
    expect(shown.format).toBe('show -json');
    expect(stateDocument(shown.resources).resources).toEqual(stateDocument(pulled.resources).resources);
    const types = new Map(stateDocument(pulled.resources).resources.map((r) => [r.type, r]));
    expect(
      (types.get('aws_cloudwatch_event_rule') as unknown as { instances: { schema_version: number }[] }).instances[0]!
        .schema_version,
    ).toBe(1);
  });
});

describe('npm run migrate:check and cloudwatch:handover, before any plan', () => {
  it('exits 2 with one clear line for a usage or state-file error, or a stack the app does not have', async () => {
    const missing = await migrateCheck(['dev']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^migrate:check: --state is required: the state file to check\nusage: /);
    const noEnvironment = await migrateCheck(['--state', DEV_STATE]);
    expect(noEnvironment.code).toBe(2);
    expect(noEnvironment.stderr).toMatch(
      /^migrate:check: which environment\? give one of dev, stg: npm run migrate:check -- dev\n/,
    );
    const empty = writeState(SCRATCH, 'empty.json', {
      version: 4,
      serial: 1,
      lineage: 'x',
      outputs: {},
      resources: [],
    });
    const none = await migrateCheck(['dev', '--state', empty, '--json']);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('holds no legacy resource');
    expect(none.stderr).not.toContain('    at ');
    const prod = await migrateCheck(['prod', '--state', DEV_STATE]);
    expect(prod.code).toBe(2);
    expect(prod.stderr).toMatch(/^migrate:check: no environment "prod"; the environments are dev, stg\n/);
  }, 120_000);

  it('exits 2 with one line naming the fix when terraform is missing, after checking the state file', async () => {
    const noTerraform = { ...process.env, TERRAFORM_BINARY: path.join(SCRATCH, 'no-terraform-here') };
    // The older --stack spelling still works, with a one-line notice.
    const result = await migrateCheck(['--stack', 'stg', '--state', STG_STATE], noTerraform);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^migrate:check: --stack stg still works; the one way now is `npm run migrate:check -- stg`\nmigrate:check: the check runs terraform plan offline, and no terraform binary on PATH \(install Terraform >= 1\.7, or set TERRAFORM_BINARY\)\n/,
    );
    expect(result.stderr).not.toContain('    at ');
  }, 120_000);

  it('cloudwatch:handover refuses, naming the setting, while the EKS alarms are undecided', async () => {
    const result = await command(copy, 'scripts/cloudwatch-handover.ts', ['dev']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^cloudwatch:handover: environments\/dev\.ts: cloudwatch\.adoptLegacy\.eksAlarms is not set; .*"delete" .*"leave"/,
    );
  }, 120_000);
});
