// The zips the stacks deploy, run as Lambda would run them: unzipped, loaded by a fresh Node process
// with the AWS SDK provided from outside the bundle (as the runtime does), reading the webhook
// secret through the real SDK from a local Secrets Manager stand-in, recording waves in a local
// DynamoDB (dynalite) and posting to a local Slack.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { bundleFunction } from '../constructs/shared/bundle';
import { waveManifestFiles } from '../constructs/slack-notifier/wave-manifest';
import { parseEnvironment } from '../environments/validate';
import {
  LOCAL_AWS,
  startLocalDeliveriesTable,
  startLocalWaveTable,
  type LocalWaveTable,
} from '../scripts/local-wave-table';
import { notifierFixture } from './support/cloudtrail-events';
import { numberedServices, testEnvironment } from './support/environment-builder';
import { startFakeSecretsManager, type FakeSecretsManager } from './support/fake-secrets-manager';
import { startFakeSlack, type FakeSlack } from './support/slack-server';
import { ecsAnswer } from './support/ecs';
import { startLocalEcs, type LocalEcs } from '../scripts/local-ecs';
import { describeProcess } from './support/tiers';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const SECRET_ID = 'test/qa/notifier-webhook';
const ZIP_BUDGET_BYTES = 150 * 1024;
/** Where the fixtures' calls were made (fixtures/slack-notifier: nestjs and user-service, Monday 09:00 KST). */
const FIXTURE_CLUSTER = 'terraform-study-dev-cluster';
/** Five services scaled up at 09:00 KST on weekdays: the fixtures' two and three that never report. */
const ENVIRONMENT = testEnvironment({
  scheduler: {
    timezone: 'Asia/Seoul',
    scaleUp: { time: '09:00', weekdays: 'MON-FRI' },
    services: [
      { cluster: FIXTURE_CLUSTER, service: 'nestjs' },
      { cluster: FIXTURE_CLUSTER, service: 'user-service' },
      ...numberedServices(3, FIXTURE_CLUSTER),
    ],
  },
  slackNotifier: { waveGraceMinutes: 20 },
});

let slack: FakeSlack;
let secrets: FakeSecretsManager;
let waves: LocalWaveTable;
let deliveries: LocalWaveTable;
let ecs: LocalEcs;
let workDir: string;
beforeAll(async () => {
  slack = await startFakeSlack();
  ecs = await startLocalEcs();
  // The fixtures' services as ECS describes them: nestjs running its one task.
  const template = ecsAnswer('steady').services[0]!;
  ecs.serve({
    services: ['nestjs', 'user-service'].map((service) => ({
      ...structuredClone(template),
      serviceName: service,
      clusterArn: `arn:aws:ecs:ap-northeast-2:210987654321:cluster/${FIXTURE_CLUSTER}`,
    })),
  });
  secrets = await startFakeSecretsManager({ [SECRET_ID]: JSON.stringify({ webhook_url: slack.url }) });
  waves = await startLocalWaveTable();
  deliveries = await startLocalDeliveriesTable();
  workDir = mkdtempSync(path.join(tmpdir(), 'bundle-run-'));
});
afterAll(async () => {
  await Promise.all([slack.close(), secrets.close(), waves.close(), deliveries.close(), ecs.close()]);
  rmSync(workDir, { recursive: true, force: true });
});

/** The zip as the stack of ENVIRONMENT deploys it (the slack-notifier carries its wave manifest). */
function deployedZip(name: string): string {
  const files = name === 'slack-notifier' ? waveManifestFiles(parseEnvironment(ENVIRONMENT)) : {};
  return bundleFunction(name, files).zipPath;
}

/** Unzips the function's bundle and invokes its handler once in a new Node process. */
async function invokeBundle(name: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  const dir = path.join(workDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  for (const [file, bytes] of Object.entries(unzipSync(readFileSync(deployedZip(name))))) {
    writeFileSync(path.join(dir, file), bytes);
  }
  writeFileSync(path.join(dir, 'event.json'), JSON.stringify(event));
  const script = `
    const { handler } = require('./index.js');
    const event = require('./event.json');
    const context = { functionName: '${name}', awsRequestId: 'r1', getRemainingTimeInMillis: () => 20000 };
    handler(event, context).then((r) => process.stdout.write('RESULT ' + JSON.stringify(r ?? null) + '\\n'));`;
  const { stdout } = await run(process.execPath, ['-e', script], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      // The runtime provides the AWS SDK; here it comes from the project's node_modules.
      NODE_PATH: path.join(ROOT, 'node_modules'),
      AWS_REGION: LOCAL_AWS.region,
      AWS_ACCESS_KEY_ID: LOCAL_AWS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_AWS.secretAccessKey,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: waves.endpoint,
      AWS_ENDPOINT_URL_ECS: ecs.endpoint,
      SLACK_WEBHOOK_SECRET_ID: SECRET_ID,
      ...env,
    },
  });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  return JSON.parse(line!.slice('RESULT '.length));
}

describe.each([
  [
    'slack-notifier',
    ['index.js', 'wave-manifest.json'],
    [
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-ecs',
      '@aws-sdk/client-secrets-manager',
      'node:console',
      'node:crypto',
      'node:fs',
      'node:http',
      'node:https',
      'node:path',
    ],
  ],
  [
    'alert-service',
    ['index.js'],
    [
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-secrets-manager',
      'node:console',
      'node:crypto',
      'node:http',
      'node:https',
    ],
  ],
])('the %s bundle', (name, files, expectedImports) => {
  const zip = readFileSync(deployedZip(name));
  const code = strFromU8(unzipSync(zip)['index.js']!);

  it(`is one minified file (and its data), zipped under ${ZIP_BUDGET_BYTES / 1024} KB`, () => {
    expect(Object.keys(unzipSync(zip))).toEqual(files);
    expect(zip.byteLength).toBeLessThan(ZIP_BUDGET_BYTES);
    // Minified: a few lines, which only template literals' own line breaks add to.
    expect(code.split('\n').length).toBeLessThan(20);
  });

  it('leaves the AWS SDK to the Lambda runtime: its only imports are SDK clients and Node built-ins', () => {
    const imports = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    expect([...imports].sort()).toEqual(expectedImports);
  });

  it('holds no path of the machine that built it', () => {
    expect(code).not.toContain(ROOT);
    expect(code).not.toContain(tmpdir());
  });
});

/** YYYY-MM-DD of the last Monday whose 00:00 UTC (09:00 KST) is at or before `at`. */
function lastMondayBefore(at: number): string {
  const day = new Date(at);
  day.setUTCHours(0, 0, 0, 0);
  if (day.getTime() > at) day.setUTCDate(day.getUTCDate() - 1);
  while (day.getUTCDay() !== 1) day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

describeProcess('bundles run end to end', () => {
  it('slack-notifier: records the wave in DynamoDB through the SDK, reports the unreadable records, posts at the deadline', async () => {
    const env = { ENVIRONMENT: 'qa', TIMEZONE: 'Asia/Seoul', WAVES_TABLE: waves.tableName };
    // The bundle reads the real clock, and posts no wave older than the waves table keeps (7 days): the
    // fixtures' Monday 2026-11-23 is moved to the last Monday at least an hour ago.
    const day = lastMondayBefore(Date.now() - 3600_000);
    const event = JSON.parse(
      JSON.stringify({
        Records: [...notifierFixture('scale-up-success').Records, ...notifierFixture('malformed-bodies').Records],
      }).replaceAll('2026-11-23', day),
    ) as { Records: unknown[] };
    const posts = slack.posts.length;
    const recorded = (await invokeBundle('slack-notifier', event, env)) as { batchItemFailures: unknown[] };

    // 2 unreadable records, and the 2 of a wave days past its deadline (returned once before a late summary).
    expect(recorded.batchItemFailures).toHaveLength(4);
    expect(slack.posts).toHaveLength(posts); // 2 of the 5 services: nothing posted yet

    const closed = await invokeBundle(
      'slack-notifier',
      { closeWave: { action: 'scale-up', scheduledTime: `${day}T00:20:00Z` } },
      env,
    );

    expect(closed).toEqual({ wave: `scale-up@${day}T00:00:00.000Z`, posted: true, reported: 2, missing: 3 });
    expect(secrets.requests.filter((r) => r.body.SecretId === SECRET_ID).length).toBeGreaterThanOrEqual(1);
    expect(slack.posts).toHaveLength(posts + 1);
    const post = slack.posts.at(-1)!;
    expect(post.body).toContain('ECS Scheduled Scaling Summary: qa');
    expect(post.body).toContain('2 succeeded, 0 failed, 3 with no call seen');
    // Read from ECS through the runtime's SDK client (DescribeServices, one call for the cluster).
    expect(post.body).toContain('nestjs       │ Scale Up (→1)    │ ✅ 1/1 running');
    expect(ecs.requests).toEqual([{ cluster: FIXTURE_CLUSTER, services: ['nestjs', 'user-service'] }]);
  });

  it('alert-service: posts the alarm message once, recorded in DynamoDB through the SDK (a repeat posts nothing)', async () => {
    const event = JSON.parse(
      readFileSync(path.join(ROOT, '__tests__/fixtures/alert-service/aurora-cpu-alarm.json'), 'utf8'),
    ) as unknown;
    const posts = slack.posts.length;
    const env = {
      ENVIRONMENT: 'qa',
      DISPLAY_TIMEZONE: 'Asia/Seoul',
      DELIVERIES_TABLE: deliveries.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: deliveries.endpoint,
    };
    expect(await invokeBundle('alert-service', event, env)).toEqual({ records: 1, delivered: 1 });
    expect(await invokeBundle('alert-service', event, env)).toEqual({ records: 1, delivered: 1 });

    expect(slack.posts).toHaveLength(posts + 1);
    expect(slack.posts.at(-1)!.body).toContain('OTT 인프라 감지');
  });
});
