// What the takeover does with each managed resource of the state(s) the preflight reads, from the
// plan: moved to the stack, imported by it, replaced, deleted, left unmanaged, kept (already the
// stack's), or left to the other legacy root. Every fate must be one the configuration decided.
import type { ResourceChange } from '../terraform/plan';
import type { MigrationReport, PlanContext } from './plan';

export type Fate = 'moved' | 'imported' | 'replaced' | 'kept' | 'deleted' | 'left unmanaged' | 'stays in its root';

export interface LegacyFate {
  address: string;
  fate: Fate;
  /** The stack's address for it (moved, imported, replaced, kept). */
  to?: string;
  allowed: boolean;
  reason?: string;
}

type Sections = Pick<MigrationReport, 'replaced' | 'destroyed'>;

function fateOf(
  address: string,
  rc: ResourceChange | undefined,
  sections: Sections,
  context: PlanContext,
  imported: boolean,
): LegacyFate {
  if (!rc) return { address, fate: 'kept', allowed: false, reason: "Terraform's plan does not mention it" };
  const actions = rc.change.actions.join(',');
  if (actions === 'delete,create' || actions === 'create,delete') {
    const r = sections.replaced.find((x) => x.address === rc.address)!;
    return { address, fate: 'replaced', to: rc.address, allowed: r.intended, reason: r.reason };
  }
  if (actions === 'delete') {
    const d = sections.destroyed.find((x) => x.address === rc.address)!;
    return { address, fate: 'deleted', allowed: d.allowed, reason: d.reason };
  }
  if (actions === 'forget') {
    const undecided = context.adoption.undecided.get(address);
    if (undecided) return { address, fate: 'left unmanaged', allowed: false, reason: undecided };
    const block = context.adoption.handover.find((b) => b.from === address && !b.destroy);
    return block
      ? { address, fate: 'left unmanaged', allowed: true, reason: block.why }
      : {
          address,
          fate: 'left unmanaged',
          allowed: false,
          reason: 'a removed block forgets it, and no setting explains it',
        };
  }
  if (imported) return { address, fate: 'imported', to: rc.address, allowed: true };
  if (rc.previous_address) return { address, fate: 'moved', to: rc.address, allowed: true };
  return { address, fate: 'kept', to: rc.address, allowed: true };
}

export function legacyFates(changes: ResourceChange[], sections: Sections, context: PlanContext): LegacyFate[] {
  const byAddress = new Map(changes.map((rc) => [rc.address, rc]));
  const byPrevious = new Map(
    changes.flatMap((rc) => (rc.previous_address ? [[rc.previous_address, rc] as const] : [])),
  );
  const { adoption } = context;
  return [
    ...context.workspace.map((address) =>
      fateOf(address, byPrevious.get(address) ?? byAddress.get(address), sections, context, false),
    ),
    ...adoption.cloudwatch.map((r) => {
      const to = adoption.adopted.get(r.address);
      return fateOf(r.address, byAddress.get(to ?? r.address), sections, context, to !== undefined);
    }),
    ...adoption.otherRoot.map((address): LegacyFate => ({
      address,
      fate: 'stays in its root',
      allowed: true,
      reason: 'outside module.cloudwatch: the legacy root keeps it',
    })),
  ];
}
