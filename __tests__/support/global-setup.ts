// Jest global setup: a temporary folder for the run (run-tmpdir.ts), then one offline
// `terraform init` for the whole run (hashicorp/aws 5.100.0 from the filesystem mirror), shared by
// every real-Terraform test through TERRAFORM_SHARED_INIT. Without terraform or the mirror, those
// tests are skipped with one line saying why, unless REQUIRE_REAL_TERRAFORM=1 (CI), which makes the
// skip a failure.
import { findToolchain, ToolchainMissing } from '../../scripts/terraform/toolchain';
import { sharedInit } from '../../scripts/terraform/workspace';
import { createRunTmpdir } from './run-tmpdir';
import { REAL_TERRAFORM_SUITES, SKIP_VARIABLE } from './terraform';

export default async function setup(): Promise<void> {
  createRunTmpdir();
  if (process.env.REAL_TERRAFORM === 'off') {
    process.env[SKIP_VARIABLE] = 'npm run test:quick leaves them out; npm test runs them';
    process.stdout.write(`\nreal-Terraform checks skipped: ${process.env[SKIP_VARIABLE]}\n`);
    return;
  }
  const toolchain = findToolchain();
  if (toolchain instanceof ToolchainMissing) {
    if (process.env.REQUIRE_REAL_TERRAFORM === '1') {
      throw new Error(`REQUIRE_REAL_TERRAFORM=1 but the real-Terraform checks cannot run: ${toolchain.message}`);
    }
    process.env[SKIP_VARIABLE] = toolchain.message;
    process.stdout.write(
      `\nreal-Terraform checks skipped (${REAL_TERRAFORM_SUITES.join(', ')}): ${toolchain.message}\n`,
    );
    return;
  }
  await sharedInit(toolchain);
}
