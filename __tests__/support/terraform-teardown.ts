// Jest global teardown: removes the run's shared terraform init and CLI config (terraform-setup.ts).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { SHARED_INIT_VARIABLE } from '../../scripts/terraform/workspace';

export default function teardown(): void {
  const init = process.env[SHARED_INIT_VARIABLE];
  if (init) rmSync(init, { recursive: true, force: true });
  const config = process.env.TERRAFORM_HARNESS_CLI_CONFIG;
  if (config) rmSync(path.dirname(config), { recursive: true, force: true });
}
