// npm run synth:hcl
// Writes a review copy of each stack as HCL to cdktf.out/hcl-review/<env>/cdk.tf: valid HCL that
// `terraform validate` accepts (see scripts/hcl-review/review-copy.ts). The deployable JSON in
// cdktf.out/stacks/ is not touched, so no stack folder ever holds both forms.
process.env.SYNTH_HCL_OUTPUT = 'true'; // read by each TerraformStack as it is constructed
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { format } from '@cdktf/hcl-tools';
import { App } from 'cdktf';
import { EnvironmentStack } from '../constructs/environment-stack';
import { requiredTerraformVersion } from '../constructs/shared/backend';
import { ConfigError } from '../environments';
import { buildApp } from '../main';
import { reviewCopy } from './hcl-review/review-copy';

/** Where the review copies go; HCL_REVIEW_DIR moves them (tests). */
export const REVIEW_DIR = process.env.HCL_REVIEW_DIR ?? path.join('cdktf.out', 'hcl-review');

async function main(): Promise<void> {
  const scratch = `${REVIEW_DIR}.partial`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true }); // CDKTF makes only the last folder of its outdir
  const app = buildApp(new App({ outdir: scratch, hclOutput: true, skipValidation: true, stackTraces: false }));
  app.synth();
  const stacks = app.node.findAll().filter((node): node is EnvironmentStack => node instanceof EnvironmentStack);
  for (const stack of stacks) {
    const dir = path.join(scratch, 'stacks', stack.config.name);
    const hcl = readFileSync(path.join(dir, 'cdk.tf'), 'utf8');
    const copy = reviewCopy(hcl, {
      stack: stack.config.name,
      requiredVersion: requiredTerraformVersion(stack.config.backend),
    });
    writeFileSync(path.join(dir, 'cdk.tf'), await format(copy));
  }
  rmSync(REVIEW_DIR, { recursive: true, force: true });
  mkdirSync(REVIEW_DIR, { recursive: true });
  for (const stack of stacks)
    renameSync(path.join(scratch, 'stacks', stack.config.name), path.join(REVIEW_DIR, stack.config.name));
  rmSync(scratch, { recursive: true, force: true });
  process.stderr.write(
    `synth:hcl: wrote ${stacks.map((s) => path.join(REVIEW_DIR, s.config.name, 'cdk.tf')).join(', ')} (review copies; deploy from cdktf.out/stacks/<env>/cdk.tf.json)\n`,
  );
}

main().then(
  // hcl-tools' Go (WebAssembly) runtime keeps timers armed for seconds after the last format: end here.
  () => process.exit(),
  (error: unknown) => {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  },
);
