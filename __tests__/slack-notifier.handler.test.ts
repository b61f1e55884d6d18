import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { KnownBlock } from '@slack/types';
import { mockClient } from 'aws-sdk-client-mock';
import { createHandler, type HandlerDeps } from '../functions/slack-notifier/handler';
import { fixedWebhookUrl, webhookUrlFromSecret } from '../functions/shared/webhook-url';
import { messageIds, notifierFixture, sqsEventFor } from './support/cloudtrail-events';
import { capturing, captureOutput, lambdaContext } from './support/lambda';
import { startFakeSlack, type FakeSlack, WEBHOOK_PATH } from './support/slack-server';

const SETTINGS = { environment: 'dev', timeZone: 'Asia/Seoul' };
const FAST = { baseBackoffMs: 20, maxBackoffMs: 50 };

let slack: FakeSlack;
beforeEach(async () => {
  slack = await startFakeSlack();
});
afterEach(() => slack.close());

function handlerFor(deps: HandlerDeps = {}) {
  return createHandler({ webhookUrl: fixedWebhookUrl(slack.url), settings: SETTINGS, delivery: FAST, ...deps });
}

interface PostedSummary {
  text: string;
  blocks: KnownBlock[];
}

function posted(index = 0): PostedSummary {
  return slack.posts[index]!.json as PostedSummary;
}

/** Everything a person reads in the message: the fallback and every block's text. */
function readable(summary: PostedSummary): string {
  const texts = summary.blocks.map((block) => ('text' in block ? ((block.text as { text?: string })?.text ?? '') : ''));
  return [summary.text, ...texts].join('\n');
}

const context = () => lambdaContext('ecs-scheduler-slack-notifier-dev', 10_000);

describe('one invocation, one summary', () => {
  it('50 records -> exactly 1 POST naming all 50 services with the right totals', async () => {
    const services = Array.from({ length: 50 }, (_, i) => `service-${String(i).padStart(2, '0')}`);
    const event = sqsEventFor(
      services.map((service, i) => ({
        service,
        atSecond: i * 6,
        ...(i === 17 ? { error: { code: 'ServiceNotFoundException', message: 'Service not found.' } } : {}),
      })),
    );

    const result = await handlerFor()(event, context());

    expect(result).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(1);
    const text = readable(posted());
    for (const service of services) expect(text).toContain(service);
    expect(text).toContain('49 succeeded, 1 failed');
    expect(text).toContain('service-17` (terraform-study-dev-cluster): ServiceNotFoundException: Service not found.');
    expect(text).toContain('2026-11-23 09:00–09:04 KST');
  });

  it('reads the real fixtures: success, scale-down, failure, a service given as an ARN', async () => {
    const event = {
      Records: ['scale-up-success', 'scale-down', 'service-not-found', 'service-as-arn'].flatMap(
        (name) => notifierFixture(name).Records,
      ),
    };

    expect(await handlerFor()(event, context())).toEqual({ batchItemFailures: [] });

    const text = readable(posted());
    expect(text).toMatch(/nestjs\s+│ Scale Up \(→1\)\s+│ ✅/);
    expect(text).toMatch(/python-api\s+│ Scale Down \(→0\)\s+│ ✅/);
    expect(text).toMatch(/frontend\s+│ Scale Up \(→1\)\s+│ ❌ Error/);
    expect(text).toMatch(/worker-service\s+│ Scale Up \(→1\)\s+│ ✅/);
    expect(text).not.toContain('arn:aws:ecs');
    expect(text).toContain('3 succeeded, 1 failed');
    expect(text).toContain('`frontend` (terraform-study-dev-cluster): ServiceNotFoundException: Service not found.');
    // 09:00:42 KST to 18:03 KST on the same day
    expect(text).toContain('2026-11-23 09:00–18:03 KST');
  });

  it('summarizes a CloudTrail event delivered twice once, and fails neither copy', async () => {
    const event = notifierFixture('duplicate-event-id');

    expect(await handlerFor()(event, context())).toEqual({ batchItemFailures: [] });

    expect(slack.posts).toHaveLength(1);
    expect(readable(posted())).toContain('1 succeeded, 0 failed');
    expect(readable(posted()).match(/auth-service\s+│/g)).toHaveLength(1);
  });

  it('posts nothing for an empty batch', async () => {
    expect(await handlerFor()({ Records: [] }, context())).toEqual({ batchItemFailures: [] });
    expect(slack.posts).toHaveLength(0);
  });
});

describe('bad records are reported, never dropped', () => {
  it('returns a malformed record in batchItemFailures and still posts the others, counting it', async () => {
    const event = notifierFixture('malformed-bodies');
    const [, cutOff, notCloudTrail] = messageIds(event);
    const { result, output } = await capturing(() => handlerFor()(event, context()));

    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: cutOff }, { itemIdentifier: notCloudTrail }] });
    expect(slack.posts).toHaveLength(1);
    const text = readable(posted());
    expect(text).toContain('user-service');
    expect(text).toContain('1 succeeded, 0 failed, 2 unreadable');
    expect(text).toContain('2 records could not be read.* They go back to the queue');
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

  it('still posts when no record could be read, so a person notices', async () => {
    const event = { Records: notifierFixture('malformed-bodies').Records.slice(1) };
    const output = captureOutput();
    try {
      expect((await handlerFor()(event, context())).batchItemFailures).toHaveLength(2);
    } finally {
      output.restore();
    }
    expect(slack.posts).toHaveLength(1);
    expect(readable(posted())).toContain('0 succeeded, 0 failed, 2 unreadable');
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
      handlerFor({ delivery: { ...FAST, maxAttempts: 4 } })(event, context()),
    );

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(messageIds(event));
    expect(slack.posts).toHaveLength(4);
    expect(output.text()).toContain('Summary not delivered; every record of the batch returns to the queue');
  });

  it('404 no_service -> every record failed after one request (no retry storm)', async () => {
    slack.answer({ status: 404, body: 'no_service' });
    const event = sqsEventFor([{ service: 'nestjs' }, { service: 'python-api' }]);
    const { result, output } = await capturing(() => handlerFor()(event, context()));

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
      // 4.5 s left, minus the 3 s margin: retries must stop within ~1.5 s
      result = await handlerFor({ delivery: { baseBackoffMs: 200, maxBackoffMs: 400 } })(
        event,
        lambdaContext('fn', 4_500),
      );
    } finally {
      output.restore();
    }
    expect(result.batchItemFailures).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});

describe('the webhook secret (Secrets Manager mocked at the SDK edge)', () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());
  afterAll(() => secrets.restore());

  it('reads {"webhook_url"} from the secret once, and reuses it on the next invocation', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhook_url: slack.url }) });
    const handler = createHandler({
      webhookUrl: webhookUrlFromSecret({ SLACK_WEBHOOK_SECRET_ID: 'ecs-scheduler/dev/slack-webhook-cache' }),
      settings: SETTINGS,
    });

    await handler(sqsEventFor([{ service: 'nestjs' }]), context());
    await handler(sqsEventFor([{ service: 'frontend' }]), context());

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
    const handler = createHandler({
      webhookUrl: webhookUrlFromSecret({
        // One secret name per case: the Powertools cache is keyed by name.
        SLACK_WEBHOOK_SECRET_ID: `ecs-scheduler/dev/${name.replace(/[^a-z]+/gi, '-').replace(/-$/, '')}`,
      }),
      settings: SETTINGS,
    });
    const event = sqsEventFor([{ service: 'nestjs' }, { service: 'frontend' }]);
    const { result, output } = await capturing(() => handler(event, context()));

    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(messageIds(event));
    expect(slack.posts).toHaveLength(0);
    const logged = output.lines().find((line) => line.message === 'Slack webhook URL unavailable');
    expect(logged?.reason).toContain(reason);
    expect(output.text()).toContain('Summary not delivered; every record of the batch returns to the queue');
    expect(output.text()).not.toContain('STOREDSECRETVALUE');
  });
});

describe('logs', () => {
  it('never print the webhook URL or a record body, on success or failure', async () => {
    const output = captureOutput();
    try {
      await handlerFor()(notifierFixture('malformed-bodies'), context());
      slack.answer(
        { status: 429, body: 'rate_limited', headers: { 'retry-after': '0' } },
        { status: 403, body: 'invalid_token' },
      );
      await handlerFor()(notifierFixture('scale-up-success'), context());
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

  it('read ENVIRONMENT and TIMEZONE as the stack sets them, with injected values taking precedence', async () => {
    const event = sqsEventFor([{ service: 'nestjs', atSecond: 30 }]);
    await withEnv({ ENVIRONMENT: 'stg', TIMEZONE: 'UTC' }, () =>
      createHandler({ webhookUrl: fixedWebhookUrl(slack.url), delivery: FAST })(event, context()),
    );
    await withEnv({ ENVIRONMENT: 'stg', TIMEZONE: undefined }, () =>
      createHandler({ webhookUrl: fixedWebhookUrl(slack.url), settings: { environment: 'dev' } })(event, context()),
    );

    expect(readable(posted(0))).toContain('*Environment:* stg\n*Time:* 2026-11-23 00:00 UTC');
    expect(readable(posted(1))).toContain('*Environment:* dev\n*Time:* 2026-11-23 09:00 KST');
  });
});
