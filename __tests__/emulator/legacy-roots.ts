// The legacy roots (fixtures/legacy) applied on the emulator as the legacy ran them, their states
// pulled, and checked against the committed state fixtures (fixtures/states).
import { cpSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { writeEmulatorOverride } from '../../scripts/emulator/override';
import { parseState } from '../../scripts/migration/state-file';
import { LEGACY_REGION } from '../fixtures/states/legacy-account';
import { LEGACY_CLOUDWATCH } from '../fixtures/states/legacy-inputs';
import { CLOUDWATCH_STATE, DEV_STATE, resourcesIn, STG_STATE } from '../support/legacy-state';
import { fixtureMismatches } from './fixture-match';

export const LEGACY_ROOTS = path.join(__dirname, '..', 'fixtures', 'legacy');

export type Terraform = (dir: string, args: string[]) => Promise<string>;

export interface LegacyStates {
  dev: string;
  stg: string;
  cloudwatch: string;
}

interface Root {
  name: keyof LegacyStates;
  dir: string;
  vars: Record<string, string>;
  aliases: string[];
  fixture: string;
}

const WEBHOOK = 'https://hooks.slack.invalid/emulator-run';

const ROOTS: Root[] = [
  { name: 'dev', dir: 'environments/dev', vars: { slack_webhook_url: WEBHOOK }, aliases: [], fixture: DEV_STATE },
  { name: 'stg', dir: 'environments/stg', vars: { slack_webhook_url: WEBHOOK }, aliases: [], fixture: STG_STATE },
  {
    name: 'cloudwatch',
    dir: '03-database',
    vars: {
      our_team: LEGACY_CLOUDWATCH.ourTeam,
      aurora_cluster_id: LEGACY_CLOUDWATCH.auroraClusterId,
      eks_cluster_name: LEGACY_CLOUDWATCH.eksClusterName,
      ecr_url_alert: LEGACY_CLOUDWATCH.ecrUrlAlert,
    },
    aliases: ['seoul'],
    fixture: CLOUDWATCH_STATE,
  },
];

/** The legacy notifier's Python handler, as a stand-in zip (the emulator never runs it). */
function writeNotifierZips(root: string): void {
  const zip = zipSync({ 'index.py': strToU8('def handler(event, context):\n    return {"statusCode": 200}\n') });
  for (const module of ['slack-notifier', 'slack-notifier-sns-era']) {
    writeFileSync(path.join(root, 'modules', module, 'lambda.zip'), zip);
  }
}

/**
 * The secret the legacy cloudwatch module reads with a data source (it must exist before its apply),
 * created with Secrets Manager's JSON protocol (the emulator checks no signature).
 */
async function createLegacySecret(endpoint: string): Promise<void> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'secretsmanager.CreateSecret',
      authorization: `AWS4-HMAC-SHA256 Credential=emulator-access-key/20260101/${LEGACY_REGION}/secretsmanager/aws4_request`,
    },
    body: JSON.stringify({
      Name: LEGACY_CLOUDWATCH.slackSecretName,
      SecretString: JSON.stringify({ webhook_url: WEBHOOK }),
    }),
  });
  if (!response.ok) throw new Error(`CreateSecret on the emulator: HTTP ${response.status} ${await response.text()}`);
}

/**
 * Applies the named roots (one after the other) in a copy under `work`, writes each pulled state to
 * `work/`, and returns their paths with each mismatch against the committed fixtures.
 */
export async function applyLegacyRoots(
  terraform: Terraform,
  work: string,
  endpoint: string,
  names: (keyof LegacyStates)[],
): Promise<{ states: Partial<LegacyStates>; mismatches: string[] }> {
  const copy = path.join(work, 'legacy');
  cpSync(LEGACY_ROOTS, copy, { recursive: true });
  writeNotifierZips(copy);
  if (names.includes('cloudwatch')) await createLegacySecret(endpoint);
  // One root after the other on one emulator: moto is not reliable under concurrent writes (applied
  // side by side, a CreateRole was answered EntityAlreadyExists for the role it had just created).
  const states: Partial<LegacyStates> = {};
  const mismatches: string[] = [];
  for (const root of ROOTS.filter((r) => names.includes(r.name))) {
    const dir = path.join(copy, root.dir);
    writeEmulatorOverride(dir, endpoint, root.aliases);
    await terraform(dir, ['init', '-input=false', '-no-color']);
    const vars = Object.entries(root.vars).map(([k, v]) => `-var=${k}=${v}`);
    await terraform(dir, ['apply', '-auto-approve', '-input=false', '-no-color', ...vars]);
    const pulled = await terraform(dir, ['state', 'pull']);
    const file = path.join(work, `legacy-${root.name}.tfstate.json`);
    states[root.name] = file;
    writeFileSync(file, pulled);
    const emulated = parseState(pulled, file).resources;
    const found = fixtureMismatches(resourcesIn(root.fixture), emulated, LEGACY_REGION);
    mismatches.push(...found.map((line) => `${path.basename(root.fixture)}: ${line}`));
  }
  return { states, mismatches };
}
