// `terraform validate` and `terraform plan -refresh=false` of a synthesized stack, offline, read back
// with `terraform show -json`: what Terraform itself decides, not a prediction.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { installedProvider, REATTACH_VARIABLE, startProviderServer } from './provider-server';
import { startStsStub } from './sts-stub';
import { runTerraform, terraformOrThrow, type Toolchain } from './toolchain';
import { sharedInit, stackCopy, type StackSource } from './workspace';

export interface ValidateResult {
  valid: boolean;
  diagnostics: { severity: string; summary: string; detail?: string }[];
}

export async function validateStack(toolchain: Toolchain, source: StackSource): Promise<ValidateResult> {
  const copy = await stackCopy(toolchain, source);
  try {
    // validate -json exits 1 on an invalid configuration but still prints its JSON verdict.
    const run = await runTerraform(toolchain, copy.dir, ['validate', '-json', '-no-color']);
    if (!run.stdout.trim().startsWith('{')) throw new Error(`terraform validate: ${run.stderr.trim()}`);
    return JSON.parse(run.stdout) as ValidateResult;
  } finally {
    copy.remove();
  }
}

/** The parts of `terraform show -json <plan>` this project reads. */
export interface PlanJson {
  resource_changes?: ResourceChange[];
}

export interface ResourceChange {
  address: string;
  previous_address?: string;
  mode: 'managed' | 'data';
  type: string;
  change: {
    actions: ('no-op' | 'create' | 'read' | 'update' | 'delete' | 'forget')[];
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    replace_paths?: (string | number)[][];
    importing?: { id: string };
  };
  action_reason?: string;
}

/** A state file (format 4) as `terraform state pull` prints it. */
export interface StateDocument {
  version: number;
  resources: { mode: string; type: string; name: string; module?: string }[];
  [key: string]: unknown;
}

export interface OfflinePlan {
  plan: PlanJson;
  /** Data sources left out of the state copy (Terraform reads them again anyway; see below). */
  droppedDataSources: string[];
  /** AWS calls the plan made (only GetCallerIdentity, to the loopback stub). */
  awsCalls: string[];
}

/** The account the stack allows: its provider's `allowed_account_ids`. */
function allowedAccount(stackJson: unknown): string {
  const provider = (stackJson as { provider?: { aws?: { allowed_account_ids?: string[] }[] } }).provider?.aws?.[0];
  const account = provider?.allowed_account_ids?.[0];
  if (!account) throw new Error('the stack declares no allowed_account_ids (environments/<env>.ts: accountId)');
  return account;
}

/**
 * Plans `source` against `state` (none: an empty state), with a provider of its own (one
 * configuration per provider process: provider-server.ts). Data sources are dropped from a copy of the
 * state: a legacy root's `data.archive_file` needs the hashicorp/archive provider, which is not in the
 * offline mirror, and Terraform reads every data source again during a plan anyway.
 */
export async function planStack(
  toolchain: Toolchain,
  source: StackSource & { json: unknown },
  state?: StateDocument,
  options: { account?: string } = {},
): Promise<OfflinePlan> {
  const sts = await startStsStub(options.account ?? allowedAccount(source.json));
  const server = await startProviderServer(installedProvider(await sharedInit(toolchain)));
  const planning = { ...toolchain, env: { ...toolchain.env, [REATTACH_VARIABLE]: server.reattach } };
  const copy = await stackCopy(toolchain, source, { stsUrl: sts.url });
  const droppedDataSources: string[] = [];
  try {
    if (state) {
      const resources = state.resources.filter((r) => {
        if (r.mode !== 'data') return true;
        droppedDataSources.push(`${r.module ? `${r.module}.` : ''}data.${r.type}.${r.name}`);
        return false;
      });
      writeFileSync(path.join(copy.dir, 'terraform.tfstate'), JSON.stringify({ ...state, resources }));
    }
    const planFile = path.join('out', 'plan.bin');
    await terraformOrThrow(planning, copy.dir, [
      'plan',
      '-refresh=false',
      '-input=false',
      '-lock=false',
      '-no-color',
      `-out=${planFile}`,
    ]);
    const shown = await terraformOrThrow(planning, copy.dir, ['show', '-json', '-no-color', planFile]);
    return { plan: JSON.parse(shown) as PlanJson, droppedDataSources, awsCalls: [...sts.requests] };
  } finally {
    copy.remove();
    await Promise.all([sts.close(), server.stop()]);
  }
}
