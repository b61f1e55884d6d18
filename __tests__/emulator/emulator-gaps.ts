// What a plan right after an apply on moto may still show, because of the emulator and not of the
// stacks: each entry names the gap and the moto 5.2.1 source that causes it. Anything else that a
// re-plan shows is a failure.
import type { ResourceChange } from '../../scripts/terraform/plan';

export interface EmulatorGap {
  type: string;
  attribute: string;
  gap: string;
  /** The moto source that causes it. */
  source: string;
  /** True when the difference is exactly this gap (not a real change hiding behind it). */
  explains: (before: unknown, after: unknown) => boolean;
}

const isEmpty = (value: unknown) =>
  value === null || value === undefined || (Array.isArray(value) && value.length === 0);

function sameJson(before: unknown, after: unknown): boolean {
  if (typeof before !== 'string' || typeof after !== 'string') return false;
  try {
    return JSON.stringify(JSON.parse(before)) === JSON.stringify(JSON.parse(after)) && before !== after;
  } catch {
    return false;
  }
}

export const EMULATOR_GAPS: readonly EmulatorGap[] = [
  {
    type: 'aws_lambda_function',
    attribute: 'logging_config',
    gap: "moto does not store a function's LoggingConfig: GetFunction answers without it, so the provider reads [] back and plans to set it again",
    source:
      'moto/awslambda/models.py: LambdaFunction.__init__ and get_configuration() never read or return LoggingConfig',
    explains: (before) => isEmpty(before),
  },
  {
    type: 'aws_sqs_queue',
    attribute: 'redrive_policy',
    gap: 'moto returns RedrivePolicy re-serialized with spaces (json.dumps), so the text differs from what the provider sent while the JSON is the same',
    source:
      'moto/sqs/models.py: the Queue.attributes property: result["RedrivePolicy"] = json.dumps(self.redrive_policy)',
    explains: sameJson,
  },
];

/** A change a re-plan shows: its address, and the attributes no gap explains (empty: all explained). */
export interface ReplanChange {
  address: string;
  actions: string;
  unexplained: string[];
  explained: { attribute: string; gap: EmulatorGap }[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export function replanChanges(changes: ResourceChange[]): ReplanChange[] {
  return changes
    .filter((rc) => rc.mode === 'managed' && rc.change.actions.join(',') !== 'no-op')
    .map((rc) => {
      const actions = rc.change.actions.join(',');
      const before = rc.change.before ?? {};
      const after = rc.change.after ?? {};
      const unknown = (rc.change as { after_unknown?: Record<string, unknown> }).after_unknown ?? {};
      const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
        (k) => unknown[k] === true || !same(before[k], after[k]),
      );
      const explained: ReplanChange['explained'] = [];
      const unexplained: string[] = [];
      for (const attribute of changed) {
        const gap = EMULATOR_GAPS.find((g) => g.type === rc.type && g.attribute === attribute);
        if (actions === 'update' && gap?.explains(before[attribute], after[attribute]))
          explained.push({ attribute, gap });
        else unexplained.push(attribute);
      }
      if (actions !== 'update' && unexplained.length === 0) unexplained.push(`(${actions})`);
      return { address: rc.address, actions, unexplained, explained };
    });
}
