// The slack-notifier handler's behaviour around the wave model: reading records, Slack's answers,
// the webhook secret, logs and settings. Waves themselves: slack-notifier.waves.test.ts.
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, type HandlerDeps } from '../functions/slack-notifier/handler';
import { fixedWebhookUrl, webhookUrlFromSecret } from '../functions/shared/webhook-url';
import type { LocalWaveTable } from '../scripts/local-wave-table';
import { messageIds, notifierFixture, sqsEventFor } from './support/cloudtrail-events';
import { capturing, captureOutput, lambdaContext } from './support/lambda';
import { readableText, type FakeSlack, WEBHOOK_PATH } from './support/slack-server';
import {
  freshWaveServers,
  manifestFor,
  MONDAY_SCALE_UP,
  notifierContext as context,
  serviceNames,
  waveHandler,
} from './support/waves';

const FAST = { baseBackoffMs: 20, maxBackoffMs: 50 };
/** The services of the wave each test completes. */
const PAIR = ['nestjs', 'python-api'];

let slack: FakeSlack;
let table: LocalWaveTable;
freshWaveServers((t, s) => ([table, slack] = [t, s]));

function handlerFor(services: string[] = PAIR, deps: HandlerDeps = {}) {
  return rigFor(services, deps).handler;
}

/** The handler and its clock (at the wave's time: set it past the calls a test sends). */
function rigFor(services: string[] = PAIR, deps: HandlerDeps = {}) {
  return waveHandler(table, slack.url, manifestFor(services), { delivery: FAST, ...deps });
}

const text = (index = 0) => readableText(slack.posts[index]!);

const closeAt = (action: 'scale-up' | 'scale-down', at: number) => ({
  closeWave: { action, scheduledTime: new Date(at).toISOString() },
});

describe('reading the records of a wave', () => {
  it('50 records completing a wave -> exactly 1 POST naming all 50 services with the right totals', async () => {
    const services = serviceNames(50);
    const event = sqsEventFor(
      services.map((service, i) => ({
        service,
        atSecond: i * 6,
        ...(i === 17 ? { error: { code: 'ServiceNotFoundException', message: 'Service not found.' } } : {}),
      })),
    );

    const rig = rigFor(services);
    rig.clock.now = MONDAY_SCALE_UP + 6 * 60_000;
    const result = await rig.handler(event, context());

    expect(result).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(1);
    for (const service of services) expect(text()).toContain(service);
    expect(text()).toContain('49 succeeded, 1 failed');
    expect(text()).toContain('svc-017` (terraform-study-dev-cluster): ServiceNotFoundException: Service not found.');
    expect(text()).toContain('*Time:* 2026-11-23 09:00–09:04 KST');
  });

  it('reads the real fixtures: success, scale-down, failure, a service given as an ARN', async () => {
    const { handler, clock } = rigFor(['nestjs', 'python-api', 'frontend', 'worker-service']);
    const batch = (names: string[]) => ({ Records: names.flatMap((name) => notifierFixture(name).Records) });
    const sixPm = MONDAY_SCALE_UP + 9 * 3600_000;

    // Each batch read minutes after its calls, each wave closed at its deadline.
    clock.now = MONDAY_SCALE_UP + 10 * 60_000;
    expect(await handler(batch(['scale-up-success', 'service-not-found', 'service-as-arn']), context())).toEqual({
      batchItemFailures: [],
    });
    expect(slack.posts).toHaveLength(0); // the wave is not complete
    clock.now = MONDAY_SCALE_UP + 20 * 60_000;
    await handler(closeAt('scale-up', clock.now), context());
    clock.now = sixPm + 10 * 60_000;
    expect(await handler(batch(['scale-down']), context())).toEqual({ batchItemFailures: [] });
    clock.now = sixPm + 20 * 60_000;
    await handler(closeAt('scale-down', clock.now), context());

    expect(slack.posts).toHaveLength(2);
    const [morning, evening] = [text(0), text(1)];
    expect(morning).toMatch(/nestjs\s+│ Scale Up \(→1\)\s+│ ✅/);
    expect(morning).toMatch(/frontend\s+│ Scale Up \(→1\)\s+│ ❌ Error/);
    expect(morning).toMatch(/worker-service\s+│ Scale Up \(→1\)\s+│ ✅/);
    expect(morning).not.toContain('arn:aws:ecs');
    expect(morning).toContain('2 succeeded, 1 failed, 1 with no call seen');
    expect(morning).toContain('`frontend` (terraform-study-dev-cluster): ServiceNotFoundException: Service not found.');
    expect(morning).toContain('• `python-api` (terraform-study-dev-cluster)');
    expect(morning).toContain('*Time:* 2026-11-23 09:00–09:03 KST');
    expect(evening).toMatch(/python-api\s+│ Scale Down \(→0\)\s+│ ✅/);
    expect(evening).toContain('*Wave:* Scale-down 18:00 KST, Mon 2026-11-23');
    expect(evening).toContain('*Time:* 2026-11-23 18:03 KST');
  });

  it('summarizes a CloudTrail event delivered twice once, and fails neither copy', async () => {
    const event = notifierFixture('duplicate-event-id');

    expect(await handlerFor(['auth-service'])(event, context())).toEqual({ batchItemFailures: [] });

    expect(slack.posts).toHaveLength(1);
    expect(text()).toContain('1 succeeded, 0 failed');
    expect(text().match(/auth-service\s+│/g)).toHaveLength(1);
  });

  it('posts nothing for an empty batch', async () => {
    expect(await handlerFor()({ Records: [] }, context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(0);
  });
});

describe('bad records are reported, never dropped', () => {
  it('returns a malformed record in batchItemFailures, logs why, and still posts the wave it completes', async () => {
    const event = notifierFixture('malformed-bodies');
    const [, cutOff, notCloudTrail] = messageIds(event);
    const { result, output } = await capturing(() =>
      handlerFor(['user-service'], { logger: undefined })(event, context()),
    );

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: cutOff }, { itemIdentifier: notCloudTrail }] });
    expect(slack.posts).toHaveLength(1);
    expect(text()).toContain('user-service');
    expect(text()).toContain('1 succeeded, 0 failed');
    const errors = output
      .lines()
      .filter((line) => line.message === 'Record could not be read; it returns to the queue');
    expect(errors.map((line) => [line.messageId, line.reason])).toEqual([
      [cutOff, expect.stringContaining('body is not JSON')],
      [
        notCloudTrail,
        expect.stringContaining('not a CloudTrail UpdateService event (detail-type "ECS Service Action"'),
      ],
    ]);
  });

  it('posts nothing for records of no wave it can read: they return to the queue, then to the DLQ and its alarm', async () => {
    const event = { Records: notifierFixture('malformed-bodies').Records.slice(1) };
    const { result } = await capturing(() => handlerFor()(event, context()));
    expect(result.batchItemFailures).toHaveLength(2);
    expect(slack.posts).toHaveLength(0);
  });
});

describe('Slack answers', () => {
  it('429 with Retry-After, then 200 -> delivered once, after waiting at least Retry-After', async () => {
    slack.answer({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } }, { status: 200, body: 'ok' });
    const event = sqsEventFor([{ service: 'nestjs' }, { service: 'python-api' }]);

    expect(await handlerFor()(event, context())).toEqual({ batchItemFailures: [] });

    expect(slack.posts).toHaveLength(2);
    expect(slack.posts[1]!.body).toBe(slack.posts[0]!.body);
    expect(slack.posts[1]!.receivedAt - slack.posts[0]!.receivedAt).toBeGreaterThanOrEqual(1000);
  });

  it('persistent 500 -> every record of the batch in batchItemFailures', async () => {
    slack.answer({ status: 500, body: 'internal_error' });
    const event = sqsEventFor([{ service: 'nestjs' }, { service: 'python-api' }, { service: 'frontend' }]);
    const { result, output } = await capturing(() =>
      handlerFor(['nestjs', 'python-api', 'frontend'], { delivery: { ...FAST, maxAttempts: 4 }, logger: undefined })(
        event,
        context(),
      ),
    );

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(messageIds(event));
    expect(slack.posts).toHaveLength(4);
    expect(output.text()).toContain("Summary not delivered; the wave's records return to the queue");
  });

  it('404 no_service -> every record failed after one request (no retry storm)', async () => {
    slack.answer({ status: 404, body: 'no_service' });
    const event = sqsEventFor([{ service: 'nestjs' }, { service: 'python-api' }]);
    const { result, output } = await capturing(() => handlerFor(PAIR, { logger: undefined })(event, context()));

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(messageIds(event));
    expect(slack.posts).toHaveLength(1);
    expect(output.text()).toContain('HTTP 404 no_service');
  });

  it('gives up before the Lambda deadline, returning the records', async () => {
    slack.answer({ status: 503, body: 'unavailable' });
    const event = sqsEventFor([{ service: 'nestjs' }]);
    const started = Date.now();
    const output = captureOutput();
    let result;
    try {
      // 4.5 s left, minus the 3 s margin: retries must stop within ~1.5 s, not wait out a 5-10 s backoff
      result = await handlerFor(['nestjs'], { delivery: { baseBackoffMs: 5_000, maxBackoffMs: 10_000 } })(
        event,
        lambdaContext('fn', 4_500),
      );
    } finally {
      output.restore();
    }
    expect(result.batchItemFailures).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('the webhook secret (Secrets Manager mocked at the SDK edge)', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  afterAll(() => secrets.restore());

  it('reads {"webhook_url"} from the secret once, and reuses it on the next invocation', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhook_url: slack.url }) });
    const handler = handlerFor(['nestjs'], {
      webhookUrl: webhookUrlFromSecret({ SLACK_WEBHOOK_SECRET_ID: 'ecs-scheduler/dev/slack-webhook-cache' }),
    });

    await handler(sqsEventFor([{ service: 'nestjs' }]), context());
    await handler(sqsEventFor([{ service: 'nestjs', desiredCount: 0, atSecond: 9 * 3600 }]), context());

    expect(slack.posts).toHaveLength(2);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: 'ecs-scheduler/dev/slack-webhook-cache',
    });
  });

  // What an operator might store by mistake; none of it may reach a log line.
  const STORED_URL = 'https://hooks.slack.com/services/T0STORED/B0STORED/STOREDSECRETVALUE';

  it.each([
    [
      'not JSON (the bare URL)',
      () => secrets.on(GetSecretValueCommand).resolves({ SecretString: STORED_URL }),
      'is not JSON',
    ],
    [
      'missing webhook_url',
      () => secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ url: STORED_URL }) }),
      'holds no webhook URL',
    ],
    [
      'not found',
      () =>
        secrets.on(GetSecretValueCommand).rejects(
          new ResourceNotFoundException({
            message: "Secrets Manager can't find the specified secret.",
            $metadata: {},
          }),
        ),
      'could not read secret "ecs-scheduler/dev/not-found" (ResourceNotFoundException); check it exists',
    ],
  ])('a secret that is %s fails every record, with a clear log and no URL in it', async (name, arrange, reason) => {
    arrange();
    const handler = handlerFor(PAIR, {
      webhookUrl: webhookUrlFromSecret({
        // One secret name per case: the Powertools cache is keyed by name.
        SLACK_WEBHOOK_SECRET_ID: `ecs-scheduler/dev/${name.replace(/[^a-z]+/gi, '-').replace(/-$/, '')}`,
      }),
      logger: undefined,
    });
    const event = sqsEventFor([{ service: 'nestjs' }, { service: 'python-api' }]);
    const { result, output } = await capturing(() => handler(event, context()));

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(messageIds(event));
    expect(slack.posts).toHaveLength(0);
    const logged = output.lines().find((line) => line.message === 'Slack webhook URL unavailable');
    expect(logged?.reason).toContain(reason);
    expect(output.text()).toContain("Summary not delivered; the wave's records return to the queue");
    expect(output.text()).not.toContain('STOREDSECRETVALUE');
  });
});

describe('logs', () => {
  it('never print the webhook URL or a record body, on success or failure', async () => {
    const output = captureOutput();
    try {
      await handlerFor(['user-service'], { logger: undefined })(notifierFixture('malformed-bodies'), context());
      slack.answer(
        { status: 429, body: 'rate_limited', headers: { 'retry-after': '0' } },
        { status: 403, body: 'invalid_token' },
      );
      await handlerFor(['nestjs'], { logger: undefined })(notifierFixture('scale-up-success'), context());
    } finally {
      output.restore();
    }
    const logs = output.text();
    expect(output.lines().length).toBeGreaterThan(3);
    expect(logs).not.toContain(WEBHOOK_PATH);
    expect(logs).not.toContain(slack.url);
    expect(logs).not.toContain('responseElements');
    expect(logs).not.toContain('ASIAEXAMPLEFIXTURE01');
  });
});

describe('settings', () => {
  const withEnv = <T>(values: Record<string, string | undefined>, work: () => T): T => {
    const saved = Object.fromEntries(Object.keys(values).map((key) => [key, process.env[key]]));
    const apply = (next: Record<string, string | undefined>) => {
      for (const [key, value] of Object.entries(next)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    };
    apply(values);
    try {
      return work();
    } finally {
      apply(saved);
    }
  };

  it.each([
    ['ENVIRONMENT unset', { ENVIRONMENT: undefined, TIMEZONE: undefined }, 'ENVIRONMENT is not set'],
    ['ENVIRONMENT blank', { ENVIRONMENT: '  ', TIMEZONE: undefined }, 'ENVIRONMENT is not set'],
    ['TIMEZONE not IANA', { ENVIRONMENT: 'dev', TIMEZONE: 'KST' }, 'TIMEZONE "KST" is not an IANA time zone'],
    [
      'WAVES_TABLE unset',
      { ENVIRONMENT: 'dev', TIMEZONE: undefined, WAVES_TABLE: undefined },
      'WAVES_TABLE is not set',
    ],
    [
      'no wave manifest beside the code',
      { ENVIRONMENT: 'dev', TIMEZONE: undefined, WAVES_TABLE: 'ecs-scheduler-waves-dev' },
      'wave-manifest.json beside the code is missing or invalid',
    ],
  ])('refuse to start with %s, naming the variable in the error and the log', (_, env, reason) => {
    const output = captureOutput();
    try {
      withEnv(env, () => expect(() => createHandler({ webhookUrl: fixedWebhookUrl(slack.url) })).toThrow(reason));
    } finally {
      output.restore();
    }
    expect(output.lines()).toContainEqual(
      expect.objectContaining({ level: 'CRITICAL', reason: expect.stringContaining(reason) }),
    );
  });

  it('read ENVIRONMENT, TIMEZONE and WAVES_TABLE as the stack sets them, with injected values taking precedence', async () => {
    const event = sqsEventFor([{ service: 'nestjs', atSecond: 30 }]);
    const env = { ENVIRONMENT: 'stg', WAVES_TABLE: table.tableName };
    await withEnv({ ...env, TIMEZONE: 'UTC' }, () => handlerFor(['nestjs'], { settings: {} })(event, context()));
    await withEnv({ ...env, TIMEZONE: undefined }, () =>
      handlerFor(['nestjs'], { settings: { environment: 'dev' } })(event, context()),
    );

    expect(text(0)).toContain(
      '*Environment:* stg\n*Wave:* Scale-up 00:00 UTC, Mon 2026-11-23\n*Time:* 2026-11-23 00:00 UTC',
    );
    expect(text(1)).toContain(
      '*Environment:* dev\n*Wave:* Scale-up 09:00 KST, Mon 2026-11-23\n*Time:* 2026-11-23 09:00 KST',
    );
  });
});
