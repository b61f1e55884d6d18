// Predicts what `terraform plan` does to each legacy resource when the synthesized stack meets a
// state: moved, unchanged, replaced (which argument forces it), destroyed, and what is created.
// It compares only the arguments that force replacement; in-place updates are for `cdktf diff`.
import { ADOPTED_CLOUDWATCH, ALLOWED_DESTROYS, INTENDED_REPLACEMENTS } from './legacy';
import { FORCE_NEW } from './force-new';
import type { StateResource } from './state-file';

export interface StackJson {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  moved?: { from: string; to: string }[];
  import?: { to: string; id: string }[];
}

export interface MigrationReport {
  stack: string;
  moved: { from: string; to: string }[];
  unchanged: string[];
  replaced: { address: string; attribute: string; intended: boolean; reason: string }[];
  destroyed: { address: string; allowed: boolean; reason: string }[];
  created: string[];
  imported: { to: string; id: string; from?: string }[];
  ok: boolean;
}

const UNKNOWN = Symbol('known after apply');
type Value = unknown;

interface Target {
  state: StateResource;
  to: string;
  via: 'moved' | 'unchanged' | 'imported';
}

const isEmpty = (v: Value) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** A value as text: state and config disagree on `5` versus `"5"`, which Terraform treats as equal. */
const asText = (v: Value): string => (typeof v === 'string' ? v : JSON.stringify(v));

function same(a: Value, b: Value): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  return asText(a) === asText(b);
}

/** The account the state's ARNs belong to: what `data.aws_caller_identity` will return. */
function accountOf(resources: StateResource[]): string | undefined {
  for (const r of resources) {
    const arn = r.attributes.arn;
    const match = typeof arn === 'string' ? /^arn:aws:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(arn) : null;
    if (match) return match[1];
  }
  return undefined;
}

export function predictPlan(stack: string, config: StackJson, state: StateResource[]): MigrationReport {
  const managed = state.filter((r) => r.mode === 'managed');
  const resources = new Map<string, Record<string, unknown>>();
  for (const [type, byName] of Object.entries(config.resource ?? {})) {
    for (const [name, attrs] of Object.entries(byName)) resources.set(`${type}.${name}`, attrs);
  }
  const movedFrom = new Map((config.moved ?? []).map((m) => [m.from, m.to]));
  const imports = new Map((config.import ?? []).map((i) => [i.to, i.id]));
  const account = accountOf(managed);

  const targets: Target[] = [];
  const destroyed: MigrationReport['destroyed'] = [];
  for (const r of managed) {
    const movedTo = movedFrom.get(r.address);
    const adoptedBy = ADOPTED_CLOUDWATCH.get(r.address);
    if (movedTo && resources.has(movedTo)) targets.push({ state: r, to: movedTo, via: 'moved' });
    else if (resources.has(r.address)) targets.push({ state: r, to: r.address, via: 'unchanged' });
    else if (adoptedBy && imports.has(adoptedBy)) targets.push({ state: r, to: adoptedBy, via: 'imported' });
    else {
      const allowed = ALLOWED_DESTROYS[r.address];
      destroyed.push({ address: r.address, allowed: allowed !== undefined, reason: allowed ?? destroyReason(r) });
    }
  }
  const byTarget = new Map(targets.map((t) => [t.to, t]));

  // Replacement spreads: a replaced resource's computed attributes are unknown until apply, and an
  // unknown value in a force-new argument replaces that resource too. Iterate until nothing changes.
  const replaced = new Map<string, { attribute: string; intended: boolean; reason: string }>();
  const resolveRef = (ref: string): { value: Value; cause?: string } => {
    const parts = ref.split('.');
    if (parts[0] === 'data') {
      return ref === 'data.aws_caller_identity.current.account_id' && account ? { value: account } : { value: UNKNOWN };
    }
    const address = `${parts[0]}.${parts[1]}`;
    const attribute = parts.slice(2).join('.');
    const target = byTarget.get(address);
    const literal = resources.get(address)?.[attribute];
    if (target && !replaced.has(address)) {
      const value = target.state.attributes[attribute];
      return value === undefined ? { value: UNKNOWN } : { value };
    }
    if (literal !== undefined) return resolve(literal);
    return { value: UNKNOWN, cause: address };
  };
  const resolve = (value: Value): { value: Value; cause?: string } => {
    if (typeof value !== 'string' || !value.includes('${')) return { value };
    const whole = /^\$\{([a-z0-9_.]+)\}$/i.exec(value);
    if (whole) return resolveRef(whole[1]!);
    let cause: string | undefined;
    const text = value.replace(/\$\{([^}]*)\}/g, (expr, inner: string) => {
      if (!/^[a-z0-9_.]+$/i.test(inner)) return expr;
      const resolved = resolveRef(inner);
      cause ??= resolved.cause;
      return resolved.value === UNKNOWN || typeof resolved.value === 'object' ? expr : asText(resolved.value);
    });
    return text.includes('${') ? { value: UNKNOWN, ...(cause ? { cause } : {}) } : { value: text };
  };
  const intendedCause = (cause: string | undefined) => (cause ? replaced.get(cause)?.intended === true : false);

  for (let changed = true; changed;) {
    changed = false;
    for (const t of targets) {
      if (replaced.has(t.to)) continue;
      const found = forcedReplacement(t, resources.get(t.to)!, resolve, replaced, intendedCause);
      if (found) {
        replaced.set(t.to, found);
        changed = true;
      }
    }
  }

  const report: MigrationReport = {
    stack,
    moved: targets.filter((t) => t.via === 'moved').map((t) => ({ from: t.state.address, to: t.to })),
    unchanged: targets.filter((t) => t.via === 'unchanged').map((t) => t.to),
    replaced: [...replaced].map(([address, r]) => ({ address, ...r })),
    destroyed,
    created: [...resources.keys()].filter((address) => !byTarget.has(address) && !imports.has(address)),
    imported: [...imports].map(([to, id]) => {
      const from = byTarget.get(to);
      return { to, id, ...(from?.via === 'imported' ? { from: from.state.address } : {}) };
    }),
    ok: false,
  };
  report.ok = report.destroyed.every((d) => d.allowed) && report.replaced.every((r) => r.intended);
  return report;
}

function forcedReplacement(
  t: Target,
  config: Record<string, unknown>,
  resolve: (v: Value) => { value: Value; cause?: string },
  replaced: ReadonlyMap<string, unknown>,
  intendedCause: (cause: string | undefined) => boolean,
): { attribute: string; intended: boolean; reason: string } | undefined {
  for (const argument of FORCE_NEW[t.state.type] ?? []) {
    const before = t.state.attributes[argument.name];
    const configured = config[argument.name];
    if (configured === undefined && argument.default === undefined) continue; // kept from state
    const { value, cause } = configured === undefined ? { value: argument.default } : resolve(configured);
    if (value !== UNKNOWN && same(before, value)) continue;
    const designed = INTENDED_REPLACEMENTS[`${t.to}#${argument.name}`];
    const reason =
      value === UNKNOWN
        ? `${argument.name} is known only after apply${cause ? ` (${cause} is replaced)` : ''}`
        : `${argument.name} changes from ${JSON.stringify(before)} to ${JSON.stringify(value)}`;
    return {
      attribute: argument.name,
      intended: designed !== undefined || intendedCause(cause),
      reason: designed ? `${reason}: ${designed}` : reason,
    };
  }
  const lifecycle = config.lifecycle as { replace_triggered_by?: string[] } | undefined;
  for (const trigger of lifecycle?.replace_triggered_by ?? []) {
    const address = trigger.split('.').slice(0, 2).join('.');
    if (replaced.has(address)) {
      return {
        attribute: 'replace_triggered_by',
        intended: intendedCause(address),
        reason: `lifecycle.replace_triggered_by ${trigger}, and ${address} is replaced`,
      };
    }
  }
  return undefined;
}

function destroyReason(r: StateResource): string {
  const scheduler = /^module\.([^.]+)\.aws_(iam_role|iam_role_policy|scheduler_schedule)\./.exec(r.address);
  if (scheduler) {
    return `no moved block from this address: if module.${scheduler[1]} scheduled a service that is still configured, set that service's "legacyModule" to "${scheduler[1]}"; otherwise Terraform destroys it`;
  }
  return 'not a legacy resource this project takes over, and no moved block names it: Terraform would destroy it';
}
