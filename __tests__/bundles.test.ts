// The zips the stacks deploy, run as Lambda would run them: unzipped, loaded by a fresh Node process
// with the AWS SDK provided from outside the bundle (as the runtime does), reading the webhook
// secret through the real SDK from a local Secrets Manager stand-in and posting to a local Slack.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { bundleFunction } from '../constructs/shared/bundle';
import { notifierFixture } from './support/cloudtrail-events';
import { startFakeSecretsManager, type FakeSecretsManager } from './support/fake-secrets-manager';
import { startFakeSlack, type FakeSlack } from './support/slack-server';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const SECRET_ID = 'ecs-scheduler/dev/slack-webhook';
const ZIP_BUDGET_BYTES = 150 * 1024;

let slack: FakeSlack;
let secrets: FakeSecretsManager;
let workDir: string;
beforeAll(async () => {
  slack = await startFakeSlack();
  secrets = await startFakeSecretsManager({ [SECRET_ID]: JSON.stringify({ webhook_url: slack.url }) });
  workDir = mkdtempSync(path.join(tmpdir(), 'bundle-run-'));
});
afterAll(async () => {
  await Promise.all([slack.close(), secrets.close()]);
  rmSync(workDir, { recursive: true, force: true });
});

/** Unzips the function's bundle and invokes its handler once in a new Node process. */
async function invokeBundle(name: string, event: unknown, env: Record<string, string>): Promise<unknown> {
  const files = unzipSync(readFileSync(bundleFunction(name).zipPath));
  const dir = path.join(workDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'index.js'), files['index.js']!);
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
      AWS_REGION: 'ap-northeast-2',
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
      AWS_SECRET_ACCESS_KEY: 'example-secret-access-key',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      SLACK_WEBHOOK_SECRET_ID: SECRET_ID,
      ...env,
    },
  });
  const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
  return JSON.parse(line!.slice('RESULT '.length));
}

describe.each(['slack-notifier', 'alert-service'])('the %s bundle', (name) => {
  const bundle = bundleFunction(name);
  const code = strFromU8(unzipSync(readFileSync(bundle.zipPath))['index.js']!);

  it(`is one minified file, zipped under ${ZIP_BUDGET_BYTES / 1024} KB`, () => {
    expect(Object.keys(unzipSync(readFileSync(bundle.zipPath)))).toEqual(['index.js']);
    expect(bundle.zipBytes).toBeLessThan(ZIP_BUDGET_BYTES);
    expect(code.split('\n').length).toBeLessThan(10);
  });

  it('leaves the AWS SDK to the Lambda runtime: its only imports are the SDK client and Node built-ins', () => {
    const imports = new Set([...code.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]));
    expect([...imports].sort()).toEqual(['@aws-sdk/client-secrets-manager', 'node:console', 'node:crypto']);
  });

  it('holds no path of the machine that built it', () => {
    expect(code).not.toContain(ROOT);
    expect(code).not.toContain(tmpdir());
  });
});

describe('bundles run end to end', () => {
  it('slack-notifier: reads the secret through the SDK, posts one summary, reports the unreadable records', async () => {
    const event = {
      Records: [...notifierFixture('scale-up-success').Records, ...notifierFixture('malformed-bodies').Records],
    };
    const result = (await invokeBundle('slack-notifier', event, { ENVIRONMENT: 'dev', TIMEZONE: 'Asia/Seoul' })) as {
      batchItemFailures: unknown[];
    };

    expect(result.batchItemFailures).toHaveLength(2);
    expect(secrets.requests.filter((r) => r.body.SecretId === SECRET_ID).length).toBeGreaterThanOrEqual(1);
    const post = slack.posts.at(-1)!;
    expect(post.body).toContain('ECS Scheduled Scaling Summary: dev');
    expect(post.body).toContain('2 succeeded, 0 failed, 2 unreadable');
  }, 30_000);

  it('alert-service: posts the alarm message', async () => {
    const event = JSON.parse(
      readFileSync(path.join(ROOT, '__tests__/fixtures/alert-service/aurora-cpu-alarm.json'), 'utf8'),
    ) as unknown;
    const posts = slack.posts.length;
    await invokeBundle('alert-service', event, { ENVIRONMENT: 'dev', DISPLAY_TIMEZONE: 'Asia/Seoul' });

    expect(slack.posts).toHaveLength(posts + 1);
    expect(slack.posts.at(-1)!.body).toContain('OTT 인프라 감지');
  }, 30_000);
});
