// The real terraform for tests: the toolchain and the run's shared init (global-setup.ts), or
// a skipped suite on a machine without them.
import {
  installedProvider,
  REATTACH_VARIABLE,
  startProviderServer,
  type ProviderServer,
} from '../../scripts/terraform/provider-server';
import { findToolchain, ToolchainMissing, type Toolchain } from '../../scripts/terraform/toolchain';
import { sharedInit } from '../../scripts/terraform/workspace';

/** The suites that run terraform, named in the skip line. */
export const REAL_TERRAFORM_SUITES = [
  'terraform.test.ts',
  'migrate-check.test.ts (plans)',
  'provider-server.test.ts (running provider)',
];
/** Set by the global setup to the reason the real-Terraform checks are skipped. */
export const SKIP_VARIABLE = 'REAL_TERRAFORM_SKIPPED';

/** A terraform command under a loaded 2-core machine: validate ~10 s, a plan of a stack up to ~60 s. */
export const TERRAFORM_TIMEOUT_MS = 300_000;

export function realTerraform(): Toolchain | undefined {
  if (process.env[SKIP_VARIABLE]) return undefined;
  const toolchain = findToolchain();
  return toolchain instanceof ToolchainMissing ? undefined : toolchain;
}

/**
 * `describe` when terraform can run here, else `describe.skip` (the setup printed why). The suite's
 * validates share one running provider (scripts/terraform/provider-server.ts); each plan starts its own.
 */
export const describeWithTerraform = (name: string, body: (toolchain: Toolchain) => void): void => {
  const toolchain = realTerraform();
  if (!toolchain) {
    describe.skip(name, () => body(undefined as unknown as Toolchain));
    return;
  }
  describe(name, () => {
    let server: ProviderServer | undefined;
    beforeAll(async () => {
      server = await startProviderServer(installedProvider(await sharedInit(toolchain)));
      toolchain.env = { ...toolchain.env, [REATTACH_VARIABLE]: server.reattach };
    }, TERRAFORM_TIMEOUT_MS);
    afterAll(() => server?.stop());
    body(toolchain);
  });
};
