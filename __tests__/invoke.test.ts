// The local invoke script, run as operators run it: a child process, stdout = the result only. It
// runs in a project copy whose environments the test wrote: "dev" schedules the fixtures' services.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { testEnvironment } from './support/environment-builder';
import { startFakeSecretsManager } from './support/fake-secrets-manager';
import { FIXTURE_SERVICES, fixtureEnvironment } from './support/fixture-environment';
import { projectCopy } from './support/project-copy';
import { startFakeSlack, type FakeSlack } from './support/slack-server';

/** The function's clock: a day after the fixtures' waves (Monday 2026-11-23), so both are past their deadlines. */
const INVOKE_AT = '2026-11-24T00:00:00Z';
const run = promisify(execFile);
const DEV = fixtureEnvironment();
const COPY = projectCopy({ dev: DEV, stg: testEnvironment({ name: 'stg' }) });
afterAll(() => rmSync(COPY, { recursive: true, force: true }));
const SERVICE_COUNT = FIXTURE_SERVICES.length;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** This process's environment without npm's settings (jest may run under `npm test --silent`). */
const BASE_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));

async function outcomeOf(command: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd: COPY,
      env: { ...BASE_ENV, SLACK_WEBHOOK_SECRET_ID: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as Outcome;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** scripts/invoke.ts as a node process (what `npm run invoke` starts). */
const invoke = (args: string[], env: Record<string, string> = {}) =>
  outcomeOf(process.execPath, ['--import', 'tsx', 'scripts/invoke.ts', ...args], env);

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(() => slack.close());
beforeEach(() => {
  slack.answer();
  slack.posts.length = 0;
});

const SCRATCH = mkdtempSync(path.join(tmpdir(), 'invoke-test-'));
const BAD_JSON = path.join(SCRATCH, 'cut-off.json');
writeFileSync(BAD_JSON, '{"Records": [');
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const FIXTURES = '__tests__/fixtures/slack-notifier';

describe('npm run invoke', () => {
  it('runs slack-notifier on event files in order, on a local waves table, posts to --webhook-url, prints each result', async () => {
    const result = await invoke([
      'slack-notifier',
      '--event',
      `${FIXTURES}/malformed-bodies.json`,
      '--event',
      `${FIXTURES}/close-scale-up.json`,
      '--webhook-url',
      slack.url,
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
      { wave: 'scale-up@2026-11-23T00:00:00.000Z', posted: true, reported: 1, missing: SERVICE_COUNT - 1 },
    ]);
    expect(result.stderr).toContain('Record could not be read');
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]!.body).toContain('ECS Scheduled Scaling Summary: dev');
    expect(slack.posts[0]!.body).toContain(`1 succeeded, 0 failed, ${SERVICE_COUNT - 1} with no call seen`);
  });

  it('a wave in which every service succeeded (scale-up-all-succeeded.json): one summary, all succeeded, the close adds nothing', async () => {
    const result = await invoke([
      'slack-notifier',
      '--event',
      `${FIXTURES}/scale-up-all-succeeded.json`,
      '--event',
      `${FIXTURES}/close-scale-up.json`,
      '--webhook-url',
      slack.url,
      'dev',
      '--at',
      INVOKE_AT,
    ]);

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { batchItemFailures: [] },
      { wave: 'scale-up@2026-11-23T00:00:00.000Z', posted: false, reported: SERVICE_COUNT, missing: 0 },
    ]);
    expect(slack.posts).toHaveLength(1);
    const body = slack.posts[0]!.body;
    expect(body).toContain(`${SERVICE_COUNT} succeeded, 0 failed`);
    for (const { service } of FIXTURE_SERVICES) expect(body).toContain(service);
    expect(body).not.toContain('no call seen');
  });

  it('scale-up-all-succeeded.json is a real-shaped batch: one call per fixture service, each body with its MD5 and its own eventID', () => {
    const event = JSON.parse(readFileSync(path.join(COPY, FIXTURES, 'scale-up-all-succeeded.json'), 'utf8')) as {
      Records: { body: string; md5OfBody: string }[];
    };
    const bodies = event.Records.map((record) => {
      expect(record.md5OfBody).toBe(createHash('md5').update(record.body).digest('hex'));
      return JSON.parse(record.body) as { detail: { eventID: string; requestParameters: object } };
    });
    expect(bodies.map((body) => body.detail.requestParameters)).toEqual(
      FIXTURE_SERVICES.map(({ cluster, service }) => ({ cluster, service, desiredCount: 1 })),
    );
    expect(new Set(bodies.map((body) => body.detail.eventID)).size).toBe(SERVICE_COUNT);
  });

  it('without --webhook-url reads the secret named by the environment config, through the real AWS SDK', async () => {
    const secretId = DEV.slackNotifier.webhookSecret;
    const secrets = await startFakeSecretsManager({ [secretId]: JSON.stringify({ webhook_url: slack.url }) });
    try {
      const result = await invoke(
        [
          'slack-notifier',
          '--event',
          `${FIXTURES}/scale-down.json`,
          '--event',
          `${FIXTURES}/close-scale-down.json`,
          'dev',
          '--at',
          INVOKE_AT,
        ],
        {
          AWS_REGION: DEV.region,
          AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEEXAMPLE00',
          AWS_SECRET_ACCESS_KEY: 'example-secret-access-key',
          AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        },
      );

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual([
        // A record of a wave past its deadline is returned once before its late summary.
        { batchItemFailures: [{ itemIdentifier: expect.any(String) }] },
        { wave: 'scale-down@2026-11-23T09:00:00.000Z', posted: true, reported: 1, missing: SERVICE_COUNT - 1 },
      ]);
      expect(result.stderr).toContain(`reading the webhook URL from secret "${secretId}"`);
      expect(result.stderr).not.toContain(slack.url);
      expect(secrets.requests.map((r) => r.body.SecretId)).toEqual([secretId]);
      expect(slack.posts).toHaveLength(1);
      expect(slack.posts[0]!.body).toContain('python-api');
    } finally {
      await secrets.close();
    }
  });

  it('runs alert-service with --webhook-url and makes no AWS call (the older --env spelling, with a notice)', async () => {
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
        { AWS_REGION: DEV.region, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint },
      );

      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ records: 1, delivered: 1 });
      expect(result.stderr).toContain('invoke: --env dev still works; the one way now is `npm run invoke -- dev`\n');
      expect(secrets.requests).toEqual([]);
      expect(slack.posts).toHaveLength(1);
      expect(slack.posts[0]!.body).toContain('✅');
    } finally {
      await secrets.close();
    }
  });

  describe('through npm', () => {
    const args = ['alert-service', '--event', '__tests__/fixtures/alert-service/aurora-cpu-ok.json'];
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

    it('npm run --silent invoke: stdout is the JSON alone, and no notice', async () => {
      const result = await outcomeOf(npm, ['run', '--silent', 'invoke', '--', ...args, '--webhook-url', slack.url]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({ records: 1, delivered: 1 });
      expect(result.stderr).not.toContain('invoke: npm printed');
    });

    it('npm run invoke: the JSON still ends stdout whole, and stderr says how to get it alone', async () => {
      const result = await outcomeOf(npm, ['run', 'invoke', '--', ...args, '--webhook-url', slack.url]);
      expect(result.code).toBe(0);
      const json = result.stdout.slice(result.stdout.indexOf('\n{') + 1);
      expect(JSON.parse(json)).toEqual({ records: 1, delivered: 1 });
      expect(result.stderr).toContain(
        'invoke: npm printed its "> ... invoke" banner on stdout ahead of this JSON; for the JSON alone run `npm run --silent invoke -- ...`',
      );
    });
  });

  it.each([
    [
      ['nope', '--event', 'x.json'],
      '"nope" is neither a function (slack-notifier, alert-service) nor an environment (dev, stg)',
    ],
    [['slack-notifier', 'alert-service', '--event', 'x.json'], 'one function at a time'],
    [['slack-notifier', '--event', BAD_JSON], `--event ${BAD_JSON}: not JSON`],
    [
      ['slack-notifier', '--event', 'package.json', '--webhook-url', 'http://hooks.example.com/services/x'],
      '--webhook-url must be an https:// URL',
    ],
    [['slack-notifier'], '--event <file.json> is required'],
    [['slack-notifier', '--event', 'missing.json'], '--event missing.json: cannot read it (ENOENT)'],
    [
      ['slack-notifier', '--event', 'package.json', '--env', 'prod'],
      'no environment "prod"; the environments are dev, stg',
    ],
    [['slack-notifier', 'dev', 'stg', '--event', 'package.json'], 'one environment at a time: got dev, stg'],
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
