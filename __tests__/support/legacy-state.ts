// Legacy state fixtures (__tests__/fixtures/states) and copies a test may change.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseState, type StateResource } from '../../scripts/migration/state-file';

export const STATE_FIXTURES = join(__dirname, '..', 'fixtures', 'states');
export const DEV_STATE = join(STATE_FIXTURES, 'dev-after-migration.tfstate.json');
export const STG_STATE = join(STATE_FIXTURES, 'stg-before-migration.tfstate.json');
export const CLOUDWATCH_STATE = join(STATE_FIXTURES, 'cloudwatch-root.tfstate.json');
/** The cloudwatch root applied with `our_team = "ott"` (topic ott-db-alarm-topic, role ott-alert-service-role). */
export const CLOUDWATCH_TEAM_OTT_STATE = join(STATE_FIXTURES, 'cloudwatch-root-team-ott.tfstate.json');

export interface StateDoc {
  version: number;
  resources: {
    module?: string;
    mode: string;
    type: string;
    name: string;
    instances: { attributes: Record<string, unknown>; schema_version?: number }[];
  }[];
  [key: string]: unknown;
}

export function stateDoc(file: string): StateDoc {
  return JSON.parse(readFileSync(file, 'utf8')) as StateDoc;
}

export function resourcesIn(file: string): StateResource[] {
  return parseState(readFileSync(file, 'utf8'), file).resources;
}

/** The ARN of the legacy topic's Lambda subscription in a cloudwatch root state (adoptLegacy.subscriptionArn). */
export function subscriptionArnIn(file: string): string {
  const subscription = resourcesIn(file).find((r) => r.type === 'aws_sns_topic_subscription');
  if (!subscription) throw new Error(`${file} holds no aws_sns_topic_subscription`);
  return subscription.attributes.arn as string;
}

/** Writes a changed copy of a state fixture into `dir` and returns its path. */
export function writeState(dir: string, name: string, doc: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

/** The same state as `terraform show -json` prints it. */
export function asShowJson(doc: StateDoc): unknown {
  const byModule = new Map<string, unknown[]>();
  for (const r of doc.resources) {
    const key = r.module ?? '';
    const address = `${r.module ? `${r.module}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    const list = byModule.get(key) ?? [];
    list.push({
      address,
      mode: r.mode,
      type: r.type,
      name: r.name,
      schema_version: r.instances[0]!.schema_version ?? 0,
      values: r.instances[0]!.attributes,
    });
    byModule.set(key, list);
  }
  return {
    format_version: '1.0',
    terraform_version: '1.9.8',
    values: {
      root_module: {
        resources: byModule.get('') ?? [],
        child_modules: [...byModule].filter(([m]) => m !== '').map(([address, resources]) => ({ address, resources })),
      },
    },
  };
}
