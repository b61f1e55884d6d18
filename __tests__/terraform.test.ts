// The synthesized stacks, checked by the real terraform 1.x with hashicorp/aws 5.100.0, offline:
// validate as synthesized, plan against an empty state, and the provider's account guard; plain
// `cdktf synth --hcl` output validates, and the HCL review copy validates and passes `terraform fmt`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildApp, createApp } from '../main';
import { planStack, validateStack } from '../scripts/terraform/plan';
import { runTerraform } from '../scripts/terraform/toolchain';
import { describeWithTerraform, TERRAFORM_TIMEOUT_MS } from './support/terraform';

const STACKS = ['dev', 'stg'] as const;

interface StackJson {
  terraform: { required_providers: { aws: { version: string } } };
  resource: Record<string, Record<string, { runtime?: string }>>;
}

/** Every `<type>.<name>` the stack declares. */
function declared(json: StackJson): string[] {
  return Object.entries(json.resource).flatMap(([type, byName]) => Object.keys(byName).map((n) => `${type}.${n}`));
}

describeWithTerraform('the synthesized stacks under the real terraform', (toolchain) => {
  let outdir: string;
  const stackDir = (stack: string) => path.join(outdir, 'stacks', stack);
  const stackJson = (stack: string) =>
    JSON.parse(readFileSync(path.join(stackDir(stack), 'cdk.tf.json'), 'utf8')) as StackJson;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'terraform-test-'));
    buildApp(createApp(outdir)).synth();
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it.each(STACKS)('declares hashicorp/aws 5.100.0 and a Lambda runtime it accepts (%s)', (stack) => {
    const json = stackJson(stack);
    expect(json.terraform.required_providers.aws.version).toBe('5.100.0');
    const runtimes = Object.values(json.resource.aws_lambda_function ?? {}).map((f) => f.runtime);
    expect(new Set(runtimes)).toEqual(new Set(['nodejs22.x']));
  });

  it.each(STACKS)(
    'terraform validate accepts the %s stack as synthesized, with no error or warning',
    async (stack) => {
      const result = await validateStack(toolchain, { dir: stackDir(stack), file: 'cdk.tf.json' });
      expect(result.diagnostics).toEqual([]);
      expect(result.valid).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it.each(STACKS)(
    'terraform plan of the %s stack on an empty state creates exactly what the stack declares',
    async (stack) => {
      const json = stackJson(stack);
      const { plan, awsCalls } = await planStack(toolchain, { dir: stackDir(stack), file: 'cdk.tf.json', json });
      const changes = (plan.resource_changes ?? []).filter((rc) => rc.mode === 'managed');
      expect(changes.filter((rc) => rc.change.actions.join() !== 'create').map((rc) => rc.address)).toEqual([]);
      expect(changes.map((rc) => rc.address).sort()).toEqual(declared(json).sort());
      expect(awsCalls).toEqual(['GetCallerIdentity']);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    'terraform validate accepts plain `cdktf synth --hcl` output of both stacks (as `npm run synth -- --hcl` writes it)',
    async () => {
      const plain = path.join(outdir, 'plain-hcl');
      await promisify(execFile)(process.execPath, ['scripts/app-bundle/synth.js', '--hcl', '--output', plain], {
        cwd: path.join(__dirname, '..'),
      });
      for (const stack of STACKS) {
        const dir = path.join(plain, 'stacks', stack);
        expect(readFileSync(path.join(dir, 'cdk.tf'), 'utf8')).toMatch(
          /replace_triggered_by = \[\s*aws_lambda_function\.cloudwatch_alert_service\.arn/,
        );
        const result = await validateStack(toolchain, { dir, file: 'cdk.tf' });
        expect({
          stack,
          valid: result.valid,
          errors: result.diagnostics.filter((d) => d.severity === 'error'),
        }).toEqual({ stack, valid: true, errors: [] });
      }
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    'terraform validate accepts the HCL review copies of both stacks (npm run synth:hcl), with no warning, and terraform fmt leaves them as they are',
    async () => {
      const review = path.join(outdir, 'hcl-review');
      await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', 'scripts/synth-hcl.ts'], {
        cwd: path.join(__dirname, '..'),
        env: { ...process.env, HCL_REVIEW_DIR: review },
      });
      for (const stack of STACKS) {
        const hcl = readFileSync(path.join(review, stack, 'cdk.tf'), 'utf8');
        expect(hcl).toMatch(/replace_triggered_by = \[\s*aws_lambda_function\.cloudwatch_alert_service\.arn/);
        const result = await validateStack(toolchain, { dir: path.join(review, stack), file: 'cdk.tf' });
        expect({ stack, diagnostics: result.diagnostics }).toEqual({ stack, diagnostics: [] });
        expect(result.valid).toBe(true);
      }
      const fmt = await runTerraform(toolchain, review, ['fmt', '-check', '-diff', '-recursive', '-no-color']);
      expect({ code: fmt.code, diff: fmt.stdout }).toEqual({ code: 0, diff: '' });
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    'refuses to plan with credentials of another account (allowed_account_ids)',
    async () => {
      const json = stackJson('dev');
      const planned = planStack(toolchain, { dir: stackDir('dev'), file: 'cdk.tf.json', json }, undefined, {
        account: '999988887777',
      });
      await expect(planned).rejects.toThrow(/AWS account ID not allowed: 999988887777/);
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
