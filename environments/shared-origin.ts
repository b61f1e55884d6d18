// Marks the config values that environments/common.ts builds for every environment, so that a
// mistake in them is reported against common.ts (where it must be fixed), not against <env>.ts.
const SHARED = new WeakSet<object>();

export const SHARED_CONFIG_FILE = 'environments/common.ts';

/** Returns `value`, marked as coming from environments/common.ts. */
export function fromCommon<T extends object>(value: T): T {
  SHARED.add(value);
  return value;
}

/**
 * Whether the innermost object on `path` inside `raw` was built by environments/common.ts: a
 * service entry that <env>.ts wrote itself is <env>.ts's, even inside the shared list.
 */
export function comesFromCommon(raw: unknown, path: readonly PropertyKey[]): boolean {
  let node: unknown = raw;
  let shared = false;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) break;
    node = (node as Record<PropertyKey, unknown>)[key];
    if (typeof node === 'object' && node !== null) shared = SHARED.has(node);
  }
  return shared;
}
