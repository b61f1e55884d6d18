// The real terraform for tests: the toolchain and the run's shared init (terraform-setup.ts), or
// a skipped suite on a machine without them.
import { findToolchain, ToolchainMissing, type Toolchain } from '../../scripts/terraform/toolchain';

/** The suites that run terraform, named in the skip line. */
export const REAL_TERRAFORM_SUITES = ['terraform.test.ts', 'migrate-check.test.ts (plans)'];
/** Set by the global setup to the reason the real-Terraform checks are skipped. */
export const SKIP_VARIABLE = 'REAL_TERRAFORM_SKIPPED';

/** A terraform command under a loaded 2-core machine: validate ~10 s, a plan of a stack up to ~60 s. */
export const TERRAFORM_TIMEOUT_MS = 300_000;

export function realTerraform(): Toolchain | undefined {
  if (process.env[SKIP_VARIABLE]) return undefined;
  const toolchain = findToolchain();
  return toolchain instanceof ToolchainMissing ? undefined : toolchain;
}

/** `describe` when terraform can run here, else `describe.skip` (the setup printed why). */
export const describeWithTerraform = (name: string, body: (toolchain: Toolchain) => void): void => {
  const toolchain = realTerraform();
  if (toolchain) describe(name, () => body(toolchain));
  else describe.skip(name, () => body(undefined as unknown as Toolchain));
};
