// Working copies of a synthesized stack for the real terraform. The synthesized file is used as it
// is; an override file beside it (Terraform's own override mechanism) swaps the HCP Terraform `cloud`
// block for a local backend and, for plans, gives the provider offline credentials and a loopback
// STS. One `terraform init` per run: every copy links the `.terraform` folder of a shared init.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AWS_PROVIDER_VERSION, terraformOrThrow, type Toolchain } from './toolchain';

/** Set by the test run's global setup (or by the first caller) to the folder of the shared init. */
export const SHARED_INIT_VARIABLE = 'TERRAFORM_SHARED_INIT';

const LOCAL_BACKEND = { backend: { local: {} } };

let initialized: Promise<string> | undefined;

/** The folder holding `.terraform/` and `.terraform.lock.hcl` for hashicorp/aws 5.100.0 from the mirror. */
export function sharedInit(toolchain: Toolchain): Promise<string> {
  const given = process.env[SHARED_INIT_VARIABLE];
  if (given) return Promise.resolve(given);
  initialized ??= (async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tf-init-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const config = {
      terraform: { ...LOCAL_BACKEND, required_providers: { aws: { source: 'aws', version: AWS_PROVIDER_VERSION } } },
    };
    writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
    // Init installs from the mirror and writes the lock file: never through a running provider.
    const { TF_REATTACH_PROVIDERS: _running, ...env } = toolchain.env;
    await terraformOrThrow({ ...toolchain, env }, dir, ['init', '-input=false', '-no-color', '-backend=true']);
    process.env[SHARED_INIT_VARIABLE] = dir;
    return dir;
  })();
  return initialized;
}

export interface StackSource {
  /** The stack's synthesized folder (`cdktf.out/stacks/<env>`): its `assets/` are linked, not copied. */
  dir: string;
  /** `cdk.tf.json` (the deployed form) or `cdk.tf` (the HCL review copy). */
  file: 'cdk.tf.json' | 'cdk.tf';
  /** Replaces the file's content (a changed stack under test); the folder still gives the assets. */
  json?: unknown;
}

export interface PlanProvider {
  /** The loopback STS the provider asks for the account (see sts-stub.ts). */
  stsUrl: string;
}

/** A temporary folder holding the stack, the override and the shared init; `remove()` deletes it. */
export async function stackCopy(
  toolchain: Toolchain,
  source: StackSource,
  plan?: PlanProvider,
): Promise<{ dir: string; remove: () => void }> {
  const init = await sharedInit(toolchain);
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-stack-'));
  const text =
    source.json === undefined ? readFileSync(path.join(source.dir, source.file)) : JSON.stringify(source.json);
  writeFileSync(path.join(dir, source.file), text);
  symlinkSync(path.resolve(source.dir, 'assets'), path.join(dir, 'assets'));
  symlinkSync(path.join(init, '.terraform'), path.join(dir, '.terraform'));
  copyFileSync(path.join(init, '.terraform.lock.hcl'), path.join(dir, '.terraform.lock.hcl'));
  const override: Record<string, unknown> = { terraform: LOCAL_BACKEND };
  if (plan) {
    // Static fake keys: the only AWS call is GetCallerIdentity, answered by the loopback stub, and the
    // provider still checks the account it returns against allowed_account_ids.
    override.provider = {
      aws: {
        access_key: 'AKIAOFFLINEPLAN00000',
        secret_key: 'offline-plan-no-real-credentials',
        skip_metadata_api_check: true,
        endpoints: { sts: plan.stsUrl },
      },
    };
  }
  writeFileSync(path.join(dir, 'offline_override.tf.json'), JSON.stringify(override, null, 2));
  mkdirSync(path.join(dir, 'out'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
