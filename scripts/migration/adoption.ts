// Adopting the legacy cloudwatch root offline. Import blocks need AWS to read each object; the
// legacy root's own state stands in for that read: an import whose ID names an object of that state
// places it at the import's address (and the import block is left out of the planned copy), an
// import naming no such object is what Terraform reports as "Cannot import non-existent remote
// object". The legacy resources the stack does not import stay at their legacy addresses, under the
// hand-over's `removed` blocks (cloudwatch-handover.ts): Terraform plans them as the legacy root will.
import type { EnvironmentConfig } from '../../environments/schema';
import { handoverBlocks, LEGACY_EKS_ALARMS, removedJson, type HandoverBlock } from './cloudwatch-handover';
import { ADOPTED_CLOUDWATCH, importIdOf } from './legacy';
import type { StackJson } from './plan';
import type { StateResource } from './state-file';

/**
 * `planned`: the legacy object was found and is planned at the import address; `already imported`:
 * the address is in the workspace state (Terraform skips the import); `fails`: no such object;
 * `not planned`: no legacy cloudwatch state was given to read it from.
 */
export type ImportStatus = 'planned' | 'already imported' | 'fails' | 'not planned';

export interface ImportCheck {
  to: string;
  id: string;
  status: ImportStatus;
  /** The legacy address of the object it reads. */
  from?: string;
  reason?: string;
}

export interface Adoption {
  imports: ImportCheck[];
  /** Legacy cloudwatch address -> the import address its state is placed at. */
  adopted: ReadonlyMap<string, string>;
  /** The legacy cloudwatch root's managed resources (module.cloudwatch), at their legacy addresses. */
  cloudwatch: StateResource[];
  /** The same, as planned: the adopted ones at their import addresses. */
  planned: StateResource[];
  /** Managed resources of the legacy cloudwatch root outside module.cloudwatch: that root keeps them. */
  otherRoot: string[];
  /** The environment's hand-over blocks (all of them; only those of resources left behind are planned). */
  handover: HandoverBlock[];
  /** The stack as planned offline: no import blocks, the hand-over's `removed` blocks added. */
  config: StackJson;
  /** Legacy address -> why no block accounts for it. */
  undecided: ReadonlyMap<string, string>;
  notes: string[];
}

export interface AdoptionInput {
  stack: StackJson;
  environment: EnvironmentConfig;
  /** module.cloudwatch resources of the state(s) read; undefined when no legacy cloudwatch state was given. */
  cloudwatch: StateResource[] | undefined;
  otherRoot: string[];
  /** Managed addresses of the workspace state. */
  workspace: ReadonlySet<string>;
}

function failedImport(to: string, id: string, cloudwatch: StateResource[]): string {
  const type = to.split('.')[0]!;
  const held = cloudwatch.filter((r) => r.type === type).map((r) => `"${importIdOf(r)}"`);
  return `Terraform's import fails ("Cannot import non-existent remote object"): the legacy cloudwatch state holds no ${type} "${id}"${held.length > 0 ? ` (it holds ${held.join(', ')})` : ''}. If the legacy root was applied with other names than legacyNames reproduces, give them in cloudwatch.adoptLegacy.names`;
}

function undecidedReason(address: string, environment: EnvironmentConfig, adopted: ReadonlyMap<string, string>) {
  const adopting = environment.cloudwatch.adoptLegacy !== undefined;
  if (!adopting) return undefined; // plan.ts: destroyReason
  if (LEGACY_EKS_ALARMS.includes(address)) {
    return 'NOT DECIDED: an alarm of the legacy module on the retired EKS cluster, which this project does not take over; decide in cloudwatch.adoptLegacy.eksAlarms: "delete" (the hand-over deletes the four; recommended) or "leave" (they stay in AWS, managed by no Terraform)';
  }
  const to = ADOPTED_CLOUDWATCH.get(address);
  if (to && !adopted.has(address)) {
    return `the stack's import of ${to} names another object than this one, so Terraform fails that import and the hand-over leaves this one unmanaged; give its legacy name in cloudwatch.adoptLegacy.names (see the import line)`;
  }
  return 'not a resource of the legacy cloudwatch module this project knows, so the hand-over has no block for it and the legacy root would delete it: remove it from that root first (terraform state rm) or add it to the legacy module call you keep';
}

export function adopt(input: AdoptionInput): Adoption {
  const { stack, environment, workspace } = input;
  const cloudwatch = input.cloudwatch ?? [];
  const byImportId = new Map(cloudwatch.map((r) => [`${r.type} ${importIdOf(r)}`, r]));
  const adopted = new Map<string, string>();
  const imports = (stack.import ?? []).map(({ to, id }): ImportCheck => {
    if (workspace.has(to)) {
      return {
        to,
        id,
        status: 'already imported',
        reason: 'already in the workspace state: Terraform skips the import',
      };
    }
    if (!input.cloudwatch) {
      return {
        to,
        id,
        status: 'not planned',
        reason: `the import reads "${id}" from AWS, which this offline check cannot: give the legacy cloudwatch root's state as well (its module.cloudwatch), so that the check plans what importing it changes`,
      };
    }
    const legacy = byImportId.get(`${to.split('.')[0]} ${id}`);
    if (!legacy) return { to, id, status: 'fails', reason: failedImport(to, id, cloudwatch) };
    adopted.set(legacy.address, to);
    return { to, id, status: 'planned', from: legacy.address };
  });
  const handover = handoverBlocks(environment);
  const leftBehind = new Set(cloudwatch.filter((r) => !adopted.has(r.address)).map((r) => r.address));
  const removed = handover.filter((b) => leftBehind.has(b.from));
  const undecided = new Map<string, string>();
  for (const address of leftBehind) {
    // A block decides a resource unless it is one the stack was to import: then its import failed.
    if (removed.some((b) => b.from === address) && !ADOPTED_CLOUDWATCH.has(address)) continue;
    const reason = undecidedReason(address, environment, adopted);
    if (reason) undecided.set(address, reason);
  }
  const { import: _imports, ...withoutImports } = stack;
  const config: StackJson = {
    ...withoutImports,
    ...(removed.length > 0 ? { removed: [...(stack.removed ?? []), ...removedJson(removed)] } : {}),
  };
  return {
    imports,
    adopted,
    cloudwatch,
    planned: cloudwatch.map((r) => (adopted.has(r.address) ? { ...r, address: adopted.get(r.address)! } : r)),
    otherRoot: input.otherRoot,
    handover,
    config,
    undecided,
    notes: [],
  };
}
