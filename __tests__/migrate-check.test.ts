// The migration preflight: the real `terraform plan` of each stack against legacy states written from
// the legacy HCL (fixtures/states), and the state files it refuses before planning.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { dev } from '../environments/dev';
import { stg } from '../environments/stg';
import { checkMigration } from '../scripts/migration/check';
import { ALLOWED_DESTROYS } from '../scripts/migration/legacy';
import type { MigrationReport, StackJson } from '../scripts/migration/plan';
import { renderReport } from '../scripts/migration/render';
import { stateDocument } from '../scripts/migration/state-document';
import { parseState } from '../scripts/migration/state-file';
import {
  asShowJson,
  CLOUDWATCH_STATE,
  DEV_STATE,
  resourcesIn,
  STG_STATE,
  stateDoc,
  writeState,
} from './support/legacy-state';
import { copyOf, synthJson } from './support/synth';
import { describeWithTerraform, TERRAFORM_TIMEOUT_MS } from './support/terraform';

const ROOT = path.join(__dirname, '..');
const SCRATCH = mkdtempSync(path.join(tmpdir(), 'migrate-check-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const devStack = synthJson(dev) as unknown as StackJson;
const stgStack = synthJson(stg) as unknown as StackJson;
const check = (stack: 'dev' | 'stg', stateFile: string, config?: StackJson) =>
  checkMigration({ stack, stateFile, ...(config ? { config } : {}) });

const SNS_ERA = [
  'module.slack_notifier.aws_sns_topic.alerts',
  'module.slack_notifier.aws_sns_topic_subscription.slack',
  'module.slack_notifier.aws_lambda_permission.allow_sns',
  'module.slack_notifier.aws_sns_topic_policy.allow_eventbridge',
  'module.slack_notifier.aws_cloudwatch_event_target.send_to_sns',
];

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

const run = promisify(execFile);
/** `npm run migrate:check` as an operator runs it (a process: arguments, output, exit code). */
async function migrateCheck(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--require', 'tsx/cjs', 'scripts/migrate-check.ts', ...args],
      {
        cwd: ROOT,
        env,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    return error as { code: number; stdout: string; stderr: string };
  }
}

describeWithTerraform('the real plan of each stack against its legacy state', () => {
  describe.each([
    ['dev', DEV_STATE, 'after the SNS -> SQS migration', 89, 0],
    ['stg', STG_STATE, 'before it (SNS era)', 84, 5],
  ] as const)('%s state %s', (stack, file, _era, moved, deleted) => {
    let report: MigrationReport;
    let exitCode: number;
    beforeAll(async () => {
      // dev through the command an operator runs (--json), stg in process: the same check.
      if (stack === 'dev') {
        const cli = await migrateCheck(['--stack', stack, '--state', file, '--json']);
        exitCode = cli.code;
        report = JSON.parse(cli.stdout) as MigrationReport;
      } else {
        report = await check(stack, file);
        exitCode = report.ok ? 0 : 1;
      }
    }, TERRAFORM_TIMEOUT_MS);

    it('is ok (exit 0), and its text report says so with the counts', () => {
      expect(exitCode).toBe(0);
      const text = renderReport(report);
      expect(text).toMatch(new RegExp(`^moved \\(${moved}\\)$`, 'm'));
      expect(text).toMatch(/^replaced \(0\)$/m);
      expect(text).toMatch(new RegExp(`^destroyed \\(${deleted}\\)$`, 'm'));
      expect(text).toContain('OK: nothing is destroyed or replaced that the migration does not intend.');
    });

    it('moves every legacy address but the SNS era, deletes only those, replaces nothing', () => {
      const legacy = managedAddresses(file).filter((a) => !SNS_ERA.includes(a));
      expect(legacy).toHaveLength(moved);
      expect(report.moved.map((m) => m.from).sort()).toEqual([...legacy].sort());
      expect(report.moved).toHaveLength(moved);
      expect(report.destroyed).toHaveLength(deleted);
      expect(report.destroyed.map((d) => d.address).sort()).toEqual(
        managedAddresses(file)
          .filter((a) => SNS_ERA.includes(a))
          .sort(),
      );
      expect(report.destroyed.every((d) => d.allowed)).toBe(true);
      expect(report.replaced).toEqual([]);
      expect(report.ok).toBe(true);
    });

    it('creates exactly the resources no legacy address moves to, and keeps nothing else unaccounted', () => {
      const targets = new Set(report.moved.map((m) => m.to));
      expect(report.created.sort()).toEqual(
        declared(stack === 'dev' ? devStack : stgStack)
          .filter((a) => !targets.has(a))
          .sort(),
      );
      const movedTo = report.moved.map((m) => m.to);
      const changed = [...report.updated.map((u) => u.address), ...report.unchanged];
      for (const address of changed) expect(movedTo).toContain(address);
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
      const data = resourcesIn(file).filter((r) => r.mode === 'data');
      expect(data.length).toBeGreaterThan(20);
      expect([...report.droppedDataSources].sort()).toEqual(data.map((d) => d.address).sort());
    });
  });

  describe('a state that must not be applied', () => {
    // One plan for four mistakes: a resource the migration does not know, a preserved name that
    // would change, a service whose legacy module has another name, and the legacy cloudwatch root's
    // resources in a stack that does not adopt them.
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
              arn: 'arn:aws:logs:ap-northeast-2:111122223333:log-group:/aws/lambda/x',
            },
          },
        ],
      });
      doc.resources.find((r) => r.type === 'aws_sqs_queue' && r.name === 'alerts')!.instances[0]!.attributes.name =
        'ecs-scheduler-alerts-dev-v1';
      for (const r of doc.resources)
        if (r.module === 'module.python_api_scheduler') r.module = 'module.pythonapi_scheduler';
      doc.resources.push(...stateDoc(CLOUDWATCH_STATE).resources);
      report = await check('dev', writeState(SCRATCH, 'mistakes.json', doc));
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

    it('points the legacy cloudwatch root at cloudwatch.adoptLegacy, not at legacyModule', () => {
      const cloudwatch = report.destroyed.filter((d) => d.address.startsWith('module.cloudwatch.') && !d.allowed);
      expect(cloudwatch.length).toBeGreaterThan(5);
      for (const d of cloudwatch) {
        expect(d.reason).toContain('cloudwatch.adoptLegacy');
        expect(d.reason).not.toContain('legacyModule');
      }
    });

    it('says to set legacyModule for a service called by another module name', () => {
      const scheduler = report.destroyed.filter((d) => d.address.startsWith('module.pythonapi_scheduler.'));
      expect(scheduler).toHaveLength(4);
      for (const d of scheduler) {
        expect(d).toMatchObject({ allowed: false });
        expect(d.reason).toContain('set that service\'s "legacyModule" to "pythonapi_scheduler"');
      }
    });
  });

  describe('the legacy cloudwatch root', () => {
    const SUBSCRIPTION =
      'arn:aws:sns:ap-northeast-2:111122223333:ott-db-alarm-topic:0b9f2c1e-7d3a-4e5b-9c8d-7a6b5c4d3e2f';
    const input = copyOf(dev);
    input.cloudwatch = { ...input.cloudwatch, legacyNames: true, adoptLegacy: { subscriptionArn: SUBSCRIPTION } };
    const adopting = synthJson(input) as unknown as StackJson;
    let adopted: MigrationReport;
    beforeAll(async () => {
      adopted = await check('dev', CLOUDWATCH_STATE, adopting);
    }, TERRAFORM_TIMEOUT_MS);

    it('with adoptLegacy: imports every legacy resource but alert_vpc, which goes as allowed', () => {
      expect(adopted.imported.map((i) => i.from).sort()).toEqual(
        managedAddresses(CLOUDWATCH_STATE)
          .filter((a) => !a.endsWith('.alert_vpc'))
          .sort(),
      );
      expect(adopted.destroyed).toEqual([
        {
          address: 'module.cloudwatch.aws_iam_role_policy_attachment.alert_vpc',
          allowed: true,
          reason: ALLOWED_DESTROYS['module.cloudwatch.aws_iam_role_policy_attachment.alert_vpc'],
        },
      ]);
    });

    it('with adoptLegacy: replaces the container-image function by the zip, and what depends on it, as intended', () => {
      expect(
        adopted.replaced.map(({ address, replacePaths, intended }) => ({ address, replacePaths, intended })),
      ).toEqual([
        { address: 'aws_lambda_function.cloudwatch_alert_service', replacePaths: ['package_type'], intended: true },
        {
          address: 'aws_lambda_permission.cloudwatch_allow_sns',
          replacePaths: ['replace_triggered_by'],
          intended: true,
        },
        { address: 'aws_sns_topic_subscription.cloudwatch_alert_sub', replacePaths: ['endpoint'], intended: true },
      ]);
      expect(adopted.ok).toBe(true);
    });
  });
});

describe('the synthesized stacks', () => {
  it.each([
    ['dev', devStack, DEV_STATE],
    ['stg', stgStack, STG_STATE],
  ] as const)(
    '%s has a moved block from each preserved legacy address to a resource of the stack',
    (_s, stack, file) => {
      const moved = new Map((stack.moved ?? []).map((m) => [m.from, m.to]));
      for (const address of managedAddresses(file).filter((a) => !SNS_ERA.includes(a))) {
        const to = moved.get(address);
        expect({ address, to }).toEqual({ address, to: expect.any(String) });
        const [type, name] = to!.split('.');
        expect(stack.resource?.[type!]?.[name!]).toBeDefined();
      }
    },
  );

  it('the legacy module name is overridable per service', () => {
    const input = copyOf(dev);
    input.scheduler.services[1] = { ...input.scheduler.services[1]!, legacyModule: 'pythonapi_scheduler' };
    const moved = (synthJson(input) as unknown as StackJson).moved ?? [];
    expect(moved).toContainEqual({
      from: 'module.pythonapi_scheduler.aws_iam_role.ecs_scheduler_role',
      to: 'aws_iam_role.python_api_scheduler_ecs_scheduler_role',
    });
    expect(moved.map((m) => m.from)).not.toContain('module.python_api_scheduler.aws_iam_role.ecs_scheduler_role');
  });

  it('the cloudwatch import IDs use the declared account', () => {
    const input = copyOf(dev);
    input.cloudwatch = {
      ...input.cloudwatch,
      legacyNames: true,
      adoptLegacy: {
        subscriptionArn:
          'arn:aws:sns:ap-northeast-2:111122223333:ott-db-alarm-topic:0b9f2c1e-7d3a-4e5b-9c8d-7a6b5c4d3e2f',
      },
    };
    const ids = Object.fromEntries(((synthJson(input) as unknown as StackJson).import ?? []).map((i) => [i.to, i.id]));
    expect(ids['aws_sns_topic.cloudwatch_db_alarm_topic']).toBe(
      'arn:aws:sns:ap-northeast-2:111122223333:ott-db-alarm-topic',
    );
    expect(Object.keys(ids)).toHaveLength(10);
  });
});

describe('a state file refused before planning', () => {
  it.each([
    ['not JSON', '{"version": 4, "resources": [', /is not JSON/],
    ['state version 3', JSON.stringify({ version: 3, modules: [] }), /format version 3; this check reads version 4/],
    ['a plan', JSON.stringify({ format_version: '1.2', planned_values: {}, resource_changes: [] }), /is a plan/],
    ['not a state', JSON.stringify({ hello: 'world' }), /not a Terraform state/],
  ])('is refused when it is %s', async (_what, text, message) => {
    await expect(check('dev', writeState(SCRATCH, 'bad.json', text))).rejects.toThrow(message);
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
    await expect(check('dev', writeState(SCRATCH, 'none.json', doc))).rejects.toThrow(
      /holds no legacy resource .* and none of stack dev.s own: it is empty or from another workspace\. Pull the state of the legacy workspace ecs-scheduler-dev/,
    );
  });

  it('is refused when it belongs to another environment', async () => {
    await expect(check('dev', STG_STATE)).rejects.toThrow(
      /belongs to environment "stg" .* not to stack "dev": pull the state of the dev workspace, or run the check with --stack stg/,
    );
  });

  it('is refused when the file cannot be read, or the stack does not exist', async () => {
    await expect(check('dev', path.join(SCRATCH, 'missing.json'))).rejects.toThrow(
      /cannot read .*missing\.json: ENOENT/,
    );
    await expect(checkMigration({ stack: 'prod', stateFile: DEV_STATE })).rejects.toThrow(
      /--stack prod: no such stack; the app has dev, stg/,
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

describe('npm run migrate:check', () => {
  it('exits 2 with one clear line for a usage or state-file error, before any plan', async () => {
    const missing = await migrateCheck(['--stack', 'dev']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^migrate:check: --stack and --state are both required\nusage: /);
    const empty = writeState(SCRATCH, 'empty.json', {
      version: 4,
      serial: 1,
      lineage: 'x',
      outputs: {},
      resources: [],
    });
    const none = await migrateCheck(['--stack', 'dev', '--state', empty, '--json']);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('holds no legacy resource');
    expect(none.stderr).not.toContain('    at ');
  }, 120_000);

  it('exits 2 with one line naming the fix when terraform is missing, after checking the state file', async () => {
    const noTerraform = { ...process.env, TERRAFORM_BINARY: path.join(SCRATCH, 'no-terraform-here') };
    const result = await migrateCheck(['--stack', 'dev', '--state', DEV_STATE], noTerraform);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^migrate:check: the check runs terraform plan offline, and no terraform binary on PATH \(install Terraform >= 1\.7, or set TERRAFORM_BINARY\)\n/,
    );
    expect(result.stderr).not.toContain('    at ');
  }, 120_000);
});
