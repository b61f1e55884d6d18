// Live-config check: each shipped stack, as synthesized, passes the real `terraform validate`
// (terraform 1.x, hashicorp/aws 5.100.0 from the offline mirror) with no error or warning.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp, createApp } from '../../main';
import { validateStack } from '../../scripts/terraform/plan';
import { describeWithTerraform, TERRAFORM_TIMEOUT_MS } from '../support/terraform';
import { shippedEnvironments } from './shipped';

describeWithTerraform('the shipped stacks under the real terraform', (toolchain) => {
  const selected = shippedEnvironments().filter((env) => env.selected);
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'live-terraform-'));
    buildApp(
      createApp(outdir),
      selected.map((env) => env.input),
    ).synth();
  });

  it.each(selected.map((env) => env.name))(
    'terraform validate accepts the %s stack as synthesized, with no error or warning',
    async (name) => {
      const result = await validateStack(toolchain, { dir: path.join(outdir, 'stacks', name), file: 'cdk.tf.json' });
      expect(result.diagnostics).toEqual([]);
      expect(result.valid).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
