// Where the webhook URL comes from: validation (https, or http on loopback only), the secret's JSON,
// the Secrets Manager read through Powertools (the SDK mocked at its edge) and its cache, and a fixed
// URL. No error may echo the value it rejects: a webhook URL is a secret.
import {
  DecryptionFailure,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import {
  fixedWebhookUrl,
  parseWebhookSecret,
  validateWebhookUrl,
  WEBHOOK_SECRET_ENV,
  WebhookConfigError,
  webhookUrlFromSecret,
} from '../functions/shared/webhook-url';

const SLACK_URL = 'https://hooks.slack.com/services/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';
const SECRET_PART = 's3cr3tS3cr3tS3cr3tS3cr3t';

/** Secrets Manager has no AccessDeniedException class: the SDK raises its base exception named so. */
function accessDenied(): SecretsManagerServiceException {
  return new SecretsManagerServiceException({
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message: 'User: arn:aws:sts::123456789012:assumed-role/fn is not authorized to perform: GetSecretValue',
  });
}

/** The WebhookConfigError `fn` throws; fails when it throws something else or nothing. */
function configErrorOf(fn: () => unknown): WebhookConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookConfigError);
    expect((error as Error).name).toBe('WebhookConfigError');
    return error as WebhookConfigError;
  }
  throw new Error('expected a WebhookConfigError, nothing was thrown');
}

async function asyncConfigErrorOf(promise: Promise<unknown>): Promise<WebhookConfigError> {
  let value: unknown;
  try {
    value = await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookConfigError);
    return error as WebhookConfigError;
  }
  throw new Error(`expected a WebhookConfigError, got a value: ${String(value)}`);
}

function expectNotEchoed(error: Error, ...values: string[]): void {
  const texts = [error.message, String(error), error.stack ?? '', JSON.stringify({ ...error })];
  for (const text of texts) for (const value of values) expect(text).not.toContain(value);
}

describe('validateWebhookUrl', () => {
  it.each([
    SLACK_URL,
    'https://example.com/hook',
    'http://127.0.0.1:8080/services/T/B/X',
    'http://localhost:3000/services/T/B/X',
    'http://[::1]:3000/services/T/B/X',
  ])('accepts %s', (url) => {
    expect(validateWebhookUrl(url, 'test')).toBe(new URL(url).toString());
  });

  it.each([
    ['plain http off loopback', 'http://hooks.slack.com/services/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'],
    ['a lookalike host', 'http://localhost.s3cr3tS3cr3tS3cr3tS3cr3t.example/x'],
    ['userinfo posing as loopback', 'http://127.0.0.1@s3cr3tS3cr3tS3cr3tS3cr3t.example/x'],
    ['ftp', 'ftp://hooks.slack.com/s3cr3tS3cr3tS3cr3tS3cr3t'],
    ['file', 'file:///etc/s3cr3tS3cr3tS3cr3tS3cr3t'],
    ['javascript', 'javascript:alert("s3cr3tS3cr3tS3cr3tS3cr3t")'],
  ])('rejects %s, without echoing the value', (_what, url) => {
    const error = configErrorOf(() => validateWebhookUrl(url, 'SOURCE'));
    expect(error.message).toMatch(/^SOURCE must be an https:\/\/ URL/);
    expectNotEchoed(error, url, SECRET_PART);
  });

  it('rejects a non-URL, without echoing it', () => {
    const value = `hooks.slack.com/services/${SECRET_PART}`;
    const error = configErrorOf(() => validateWebhookUrl(value, 'SOURCE'));
    expect(error.message).toMatch(/^SOURCE is not a URL/);
    expectNotEchoed(error, value, SECRET_PART);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['an object', { url: SLACK_URL }],
  ])('rejects %s as holding no URL', (_what, value) => {
    const error = configErrorOf(() => validateWebhookUrl(value, 'SOURCE'));
    expect(error.message).toBe('SOURCE holds no webhook URL');
    expectNotEchoed(error, SECRET_PART);
  });
});

describe('parseWebhookSecret', () => {
  it('reads webhook_url from the JSON', () => {
    expect(parseWebhookSecret(JSON.stringify({ webhook_url: SLACK_URL, note: 'x' }), 'my/secret')).toBe(SLACK_URL);
  });

  it('rejects text that is not JSON (a bare URL pasted in) without echoing it', () => {
    const error = configErrorOf(() => parseWebhookSecret(SLACK_URL, 'my/secret'));
    expect(error.message).toMatch(/^secret "my\/secret" is not JSON/);
    expectNotEchoed(error, SLACK_URL, SECRET_PART);
  });

  it.each([
    ['an object without webhook_url', JSON.stringify({ url: SLACK_URL })],
    ['JSON null', 'null'],
    ['a JSON string', JSON.stringify(SLACK_URL)],
    ['a JSON array', JSON.stringify([SLACK_URL])],
  ])('rejects %s as holding no webhook URL', (_what, secret) => {
    const error = configErrorOf(() => parseWebhookSecret(secret, 'my/secret'));
    expect(error.message).toBe('secret "my/secret" field "webhook_url" holds no webhook URL');
    expectNotEchoed(error, SECRET_PART);
  });

  it.each([
    ['a number', 42],
    ['a boolean', true],
    ['an object', { href: SLACK_URL }],
  ])('rejects a non-string webhook_url (%s)', (_what, webhookUrl) => {
    const error = configErrorOf(() => parseWebhookSecret(JSON.stringify({ webhook_url: webhookUrl }), 'my/secret'));
    expect(error.message).toBe('secret "my/secret" field "webhook_url" holds no webhook URL');
    expectNotEchoed(error, SECRET_PART);
  });

  it('rejects a webhook_url that is not https, naming the secret and field but not the value', () => {
    const bad = SLACK_URL.replace('https:', 'http:');
    const error = configErrorOf(() => parseWebhookSecret(JSON.stringify({ webhook_url: bad }), 'my/secret'));
    expect(error.message).toMatch(/^secret "my\/secret" field "webhook_url" must be an https:\/\/ URL/);
    expectNotEchoed(error, bad, SECRET_PART);
  });

  it('rejects a missing SecretString (binary secret, undefined)', () => {
    for (const value of [undefined, new Uint8Array([1, 2, 3])]) {
      const error = configErrorOf(() => parseWebhookSecret(value, 'my/secret'));
      expect(error.message).toMatch(/^secret "my\/secret" has no SecretString/);
    }
  });
});

describe('webhookUrlFromSecret (Secrets Manager mocked at the SDK edge)', () => {
  const secrets = mockClient(SecretsManagerClient);
  let counter = 0;
  /** Powertools caches per secret id for SECRET_CACHE_SECONDS: a fresh id per test keeps tests apart. */
  const freshId = () => `arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:slack-webhook-${++counter}`;

  beforeEach(() => secrets.reset());
  afterAll(() => secrets.restore());

  it('returns the URL from the secret named by the env var', async () => {
    const id = freshId();
    secrets
      .on(GetSecretValueCommand, { SecretId: id })
      .resolves({ SecretString: JSON.stringify({ webhook_url: SLACK_URL }) });

    await expect(webhookUrlFromSecret({ [WEBHOOK_SECRET_ENV]: id })()).resolves.toBe(SLACK_URL);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(secrets.commandCalls(GetSecretValueCommand)[0]?.args[0].input).toEqual({ SecretId: id });
  });

  it('is cached: two reads (even from two sources) make one SDK call', async () => {
    const id = freshId();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhook_url: SLACK_URL }) });
    const env = { [WEBHOOK_SECRET_ENV]: id };

    const source = webhookUrlFromSecret(env);
    expect(await source()).toBe(SLACK_URL);
    expect(await source()).toBe(SLACK_URL);
    expect(await webhookUrlFromSecret(env)()).toBe(SLACK_URL);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('caches per secret id: another id is read on its own', async () => {
    const [first, second] = [freshId(), freshId()];
    const other = 'https://hooks.slack.com/services/T1/B2/other';
    secrets
      .on(GetSecretValueCommand, { SecretId: first })
      .resolves({ SecretString: JSON.stringify({ webhook_url: SLACK_URL }) });
    secrets
      .on(GetSecretValueCommand, { SecretId: second })
      .resolves({ SecretString: JSON.stringify({ webhook_url: other }) });

    expect(await webhookUrlFromSecret({ [WEBHOOK_SECRET_ENV]: first })()).toBe(SLACK_URL);
    expect(await webhookUrlFromSecret({ [WEBHOOK_SECRET_ENV]: second })()).toBe(other);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it('does not cache a failure: the next call reads again', async () => {
    const id = freshId();
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(accessDenied())
      .resolves({ SecretString: JSON.stringify({ webhook_url: SLACK_URL }) });
    const source = webhookUrlFromSecret({ [WEBHOOK_SECRET_ENV]: id });

    await expect(source()).rejects.toBeInstanceOf(WebhookConfigError);
    await expect(source()).resolves.toBe(SLACK_URL);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);
  });

  it.each([
    [
      'ResourceNotFoundException',
      () =>
        new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: {} }),
    ],
    ['AccessDeniedException', accessDenied],
    ['DecryptionFailure', () => new DecryptionFailure({ message: 'KMS key is disabled', $metadata: {} })],
    ['Error', () => new Error('socket hang up')],
  ])('an SDK %s → WebhookConfigError naming the secret id and the error name', async (name, make) => {
    const id = freshId();
    secrets.on(GetSecretValueCommand).rejects(make());

    const error = await asyncConfigErrorOf(webhookUrlFromSecret({ [WEBHOOK_SECRET_ENV]: id })());

    expect(error.message).toBe(`could not read secret "${id}" (${name}); check it exists and the role may read it`);
  });

  it('a secret that is not JSON → WebhookConfigError that does not echo the stored value', async () => {
    const id = freshId();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: SLACK_URL });

    const error = await asyncConfigErrorOf(webhookUrlFromSecret({ [WEBHOOK_SECRET_ENV]: id })());

    expect(error.message).toMatch(new RegExp(`^secret "${id}" is not JSON`));
    expectNotEchoed(error, SLACK_URL, SECRET_PART);
  });

  it('a secret whose webhook_url is invalid → WebhookConfigError that does not echo it', async () => {
    const id = freshId();
    const bad = SLACK_URL.replace('https:', 'http:');
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhook_url: bad }) });

    const error = await asyncConfigErrorOf(webhookUrlFromSecret({ [WEBHOOK_SECRET_ENV]: id })());

    expect(error.message).toContain(`secret "${id}" field "webhook_url" must be an https:// URL`);
    expectNotEchoed(error, bad, SECRET_PART);
  });

  it('a binary-only secret → "has no SecretString"', async () => {
    const id = freshId();
    secrets.on(GetSecretValueCommand).resolves({ SecretBinary: new Uint8Array([1, 2]) });

    const error = await asyncConfigErrorOf(webhookUrlFromSecret({ [WEBHOOK_SECRET_ENV]: id })());
    expect(error.message).toMatch(new RegExp(`^secret "${id}" has no SecretString`));
  });

  it.each([
    ['missing', {}],
    ['empty', { [WEBHOOK_SECRET_ENV]: '' }],
  ])('env var %s → a clear WebhookConfigError, no SDK call', async (_what, env) => {
    const error = await asyncConfigErrorOf(webhookUrlFromSecret(env)());

    expect(error.message).toBe(`${WEBHOOK_SECRET_ENV} is not set; the stack sets it to the webhook secret's ARN`);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('reads the env var at call time, not when the source is made', async () => {
    const id = freshId();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ webhook_url: SLACK_URL }) });
    const env: NodeJS.ProcessEnv = {};
    const source = webhookUrlFromSecret(env);
    env[WEBHOOK_SECRET_ENV] = id;

    await expect(source()).resolves.toBe(SLACK_URL);
  });
});

describe('fixedWebhookUrl', () => {
  it('returns the validated URL without any AWS call', async () => {
    const secrets = mockClient(SecretsManagerClient);
    try {
      await expect(fixedWebhookUrl('http://127.0.0.1:9/services/T/B/X')()).resolves.toBe(
        'http://127.0.0.1:9/services/T/B/X',
      );
      expect(secrets.calls()).toHaveLength(0);
    } finally {
      secrets.restore();
    }
  });

  it('validates eagerly, naming the flag and not the value', () => {
    const bad = `http://hooks.slack.com/services/${SECRET_PART}`;
    const error = configErrorOf(() => fixedWebhookUrl(bad));
    expect(error.message).toMatch(/^--webhook-url must be an https:\/\/ URL/);
    expectNotEchoed(error, bad, SECRET_PART);
  });
});
