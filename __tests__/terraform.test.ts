// The synthesized stacks, checked by the real terraform 1.x with hashicorp/aws 5.100.0, offline, on
// environments this test builds (the shipped ones are validated by __tests__/live/terraform.test.ts;
// the plan of a whole stack into an empty workspace is migrate-check.test.ts's): the provider's
// account guard holds; plain `cdktf synth --hcl` output validates; the HCL review copy
// validates and passes `terraform fmt`. The HCL checks run the project's commands in a project copy.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildApp, createApp } from '../main';
import { planStack, validateStack } from '../scripts/terraform/plan';
import { runTerraform } from '../scripts/terraform/toolchain';
import { testEnvironment, testServices } from './support/environment-builder';
import { projectCopy } from './support/project-copy';
import { describeWithTerraform, TERRAFORM_TIMEOUT_MS } from './support/terraform';

interface StackJson {
  terraform: { required_providers: { aws: { version: string } } };
  resource: Record<string, Record<string, { runtime?: string }>>;
}

/** dev with every optional part (a created trail, ECS alarms, an operations email); stg plain. */
const ENVIRONMENTS = {
  dev: testEnvironment({
    name: 'dev',
    scheduler: { services: testServices('dev') },
    slackNotifier: { managementEventsTrail: { mode: 'create' } },
    cloudwatch: { ecsAlarms: { services: ['api'] } },
  }),
  stg: testEnvironment({ name: 'stg', scheduler: { services: testServices('stg') } }),
};
const REPLACE_TRIGGERED_BY = /replace_triggered_by = \[\s*aws_lambda_function\.cloudwatch_alert_service\.arn/;

describeWithTerraform('the synthesized stacks under the real terraform', (toolchain) => {
  const run = promisify(execFile);
  let outdir: string;
  let copy: string;
  const stackDir = (stack: string) => path.join(outdir, 'stacks', stack);
  const stackJson = (stack: string) =>
    JSON.parse(readFileSync(path.join(stackDir(stack), 'cdk.tf.json'), 'utf8')) as StackJson;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'terraform-test-'));
    buildApp(createApp(outdir), [ENVIRONMENTS.dev, ENVIRONMENTS.stg]).synth();
    copy = projectCopy(ENVIRONMENTS);
  });
  afterAll(() => [outdir, copy].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it.each(['dev', 'stg'])('declares hashicorp/aws 5.100.0 and a Lambda runtime it accepts (%s)', (stack) => {
    const json = stackJson(stack);
    expect(json.terraform.required_providers.aws.version).toBe('5.100.0');
    const runtimes = Object.values(json.resource.aws_lambda_function ?? {}).map((f) => f.runtime);
    expect(new Set(runtimes)).toEqual(new Set(['nodejs22.x']));
  });

  it(
    'refuses to plan with credentials of another account (allowed_account_ids)',
    async () => {
      const json = stackJson('stg');
      const planned = planStack(toolchain, { dir: stackDir('stg'), file: 'cdk.tf.json', json }, undefined, {
        account: '999988887777',
      });
      await expect(planned).rejects.toThrow(/AWS account ID not allowed: 999988887777/);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    'terraform validate accepts plain `cdktf synth --hcl` output (as `npm run synth -- --hcl` writes it)',
    async () => {
      const plain = path.join(outdir, 'plain-hcl');
      await run(process.execPath, ['scripts/app-bundle/synth.js', '--hcl', '--output', plain], { cwd: copy });
      const dir = path.join(plain, 'stacks', 'dev');
      expect(readFileSync(path.join(dir, 'cdk.tf'), 'utf8')).toMatch(REPLACE_TRIGGERED_BY);
      const result = await validateStack(toolchain, { dir, file: 'cdk.tf' });
      expect({ valid: result.valid, errors: result.diagnostics.filter((d) => d.severity === 'error') }).toEqual({
        valid: true,
        errors: [],
      });
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    'terraform validate accepts the HCL review copy (npm run synth:hcl), with no warning, and terraform fmt leaves both as they are',
    async () => {
      const review = path.join(outdir, 'hcl-review');
      await run(process.execPath, ['--require', 'tsx/cjs', 'scripts/synth-hcl.ts'], {
        cwd: copy,
        env: { ...process.env, HCL_REVIEW_DIR: review },
      });
      const hcl = readFileSync(path.join(review, 'dev', 'cdk.tf'), 'utf8');
      expect(hcl).toMatch(REPLACE_TRIGGERED_BY);
      const result = await validateStack(toolchain, { dir: path.join(review, 'dev'), file: 'cdk.tf' });
      expect(result.diagnostics).toEqual([]);
      expect(result.valid).toBe(true);
      const fmt = await runTerraform(toolchain, review, ['fmt', '-check', '-diff', '-recursive', '-no-color']);
      expect({ code: fmt.code, diff: fmt.stdout }).toEqual({ code: 0, diff: '' });
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
