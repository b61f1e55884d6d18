// The local invoke script, run as operators run it: a child process, stdout = the result only.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startFakeSecretsManager } from './support/fake-secrets-manager';
import { startFakeSlack, type FakeSlack } from './support/slack-server';

const ROOT = path.join(__dirname, '..');
/** The function's clock: a day after the fixtures' waves (Monday 2026-11-23), so both are past their deadlines. */
const INVOKE_AT = '2026-11-24T00:00:00Z';
const run = promisify(execFile);

async function invoke(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/invoke.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, SLACK_WEBHOOK_SECRET_ID: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack.close());
beforeEach(() => slack.answer());

const SCRATCH = mkdtempSync(path.join(tmpdir(), 'invoke-test-'));
const BAD_JSON = path.join(SCRATCH, 'cut-off.json');
writeFileSync(BAD_JSON, '{"Records": [');
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

describe('npm run invoke', () => {
  it('runs slack-notifier on event files in order, on a local waves table, posts to --webhook-url, prints each result', async () => {
    const result = await invoke([
      'slack-notifier',
      '--event',
      '__tests__/fixtures/slack-notifier/malformed-bodies.json',
      '--event',
      '__tests__/fixtures/slack-notifier/close-scale-up.json',
      '--webhook-url',
      slack.url,
      '--env',
      'dev',
      '--at',
      INVOKE_AT,
    ]);

    expect(result.code).toBe(0);
    // Two unreadable records, and the readable one: its wave's deadline passed days ago, so it is
    // returned once (as after a rollback) before a late summary; the close posts the wave with it.
    expect(JSON.parse(result.stdout)).toEqual([
      {
        batchItemFailures: [
          { itemIdentifier: expect.any(String) },
          { itemIdentifier: expect.any(String) },
          { itemIdentifier: expect.any(String) },
        ],
      },
      { wave: 'scale-up@2026-11-23T00:00:00.000Z', posted: true, reported: 1, missing: 19 },
    ]);
    expect(result.stderr).toContain('Record could not be read');
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]!.body).toContain('ECS Scheduled Scaling Summary: dev');
    expect(slack.posts[0]!.body).toContain('1 succeeded, 0 failed, 19 with no call seen');
  });

  it('without --webhook-url reads the secret named by the environment config, through the real AWS SDK', async () => {
    slack.posts.length = 0;
    const secrets = await startFakeSecretsManager({
      'ecs-scheduler/dev/slack-webhook': JSON.stringify({ webhook_url: slack.url }),
    });
    try {
      const result = await invoke(
        [
          'slack-notifier',
          '--event',
          '__tests__/fixtures/slack-notifier/scale-down.json',
          '--event',
          '__tests__/fixtures/slack-notifier/close-scale-down.json',
          '--env',
          'dev',
          '--at',
          INVOKE_AT,
        ],
        {
          AWS_REGION: 'ap-northeast-2',
          AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
          AWS_SECRET_ACCESS_KEY: 'example-secret-access-key',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        },
      );

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([
        // A record of a wave past its deadline is returned once before its late summary.
        { batchItemFailures: [{ itemIdentifier: expect.any(String) }] },
        { wave: 'scale-down@2026-11-23T09:00:00.000Z', posted: true, reported: 1, missing: 19 },
      ]);
      expect(result.stderr).toContain('reading the webhook URL from secret "ecs-scheduler/dev/slack-webhook"');
      expect(result.stderr).not.toContain(slack.url);
      expect(secrets.requests.map((r) => r.body.SecretId)).toEqual(['ecs-scheduler/dev/slack-webhook']);
      expect(slack.posts).toHaveLength(1);
      expect(slack.posts[0]!.body).toContain('python-api');
    } finally {
      await secrets.close();
    }
  });

  it('runs alert-service with --webhook-url and makes no AWS call', async () => {
    slack.posts.length = 0;
    const secrets = await startFakeSecretsManager({});
    try {
      const result = await invoke(
        [
          'alert-service',
          '--event',
          '__tests__/fixtures/alert-service/aurora-cpu-ok.json',
          '--webhook-url',
          slack.url,
          '--env',
          'dev',
        ],
        // Any AWS call would reach this stand-in (and be refused): none may happen.
        { AWS_REGION: 'ap-northeast-2', AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint },
      );

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ records: 1, delivered: 1 });
      expect(secrets.requests).toEqual([]);
      expect(slack.posts).toHaveLength(1);
      expect(slack.posts[0]!.body).toContain('✅');
    } finally {
      await secrets.close();
    }
  });

  it.each([
    [['nope', '--event', 'x.json'], 'unknown function "nope"'],
    [['slack-notifier', '--event', BAD_JSON], `--event ${BAD_JSON}: not JSON`],
    [
      ['slack-notifier', '--event', 'package.json', '--webhook-url', 'http://hooks.example.com/services/x'],
      '--webhook-url must be an https:// URL',
    ],
    [['slack-notifier'], '--event <file.json> is required'],
    [['slack-notifier', '--event', 'missing.json'], '--event missing.json: cannot read it (ENOENT)'],
    [['slack-notifier', '--event', 'package.json', '--env', 'prod'], '--env prod: no such environment'],
  ])(
    'refuses %j with a one-line reason and exit code 2',
    async (args, reason) => {
      const result = await invoke(args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(reason);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    },
    30_000,
  );
});
