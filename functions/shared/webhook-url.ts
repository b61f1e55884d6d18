// Where the Slack webhook URL comes from: a Secrets Manager secret `{"webhook_url": "..."}`, read at
// run time and cached (never a Lambda variable or a Terraform value), or an explicit URL for local runs.
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** Names the secret (ARN or name); set by the stack on every function that posts to Slack. */
export const WEBHOOK_SECRET_ENV = 'SLACK_WEBHOOK_SECRET_ID';
/** How long a fetched secret is reused by a warm function. */
export const SECRET_CACHE_SECONDS = 300;

export class WebhookConfigError extends Error {
  override readonly name = 'WebhookConfigError';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Accepts https URLs, and plain http only on loopback (local Slack stand-ins). Never echoes the value. */
export function validateWebhookUrl(value: unknown, source: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new WebhookConfigError(`${source} holds no webhook URL`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new WebhookConfigError(`${source} is not a URL; expected https://hooks.slack.com/services/...`);
  }
  const loopback = url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
  if (url.protocol !== 'https:' && !loopback) {
    throw new WebhookConfigError(`${source} must be an https:// URL (plain http only for 127.0.0.1/localhost)`);
  }
  return url.toString();
}

/** Reads `webhook_url` from the secret's JSON text. */
export function parseWebhookSecret(secretString: unknown, secretId: string): string {
  const where = `secret "${secretId}"`;
  if (typeof secretString !== 'string') {
    throw new WebhookConfigError(
      `${where} has no SecretString; store JSON {"webhook_url": "https://hooks.slack.com/..."}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new WebhookConfigError(`${where} is not JSON; store {"webhook_url": "https://hooks.slack.com/..."}`);
  }
  const webhookUrl = (parsed as { webhook_url?: unknown } | null)?.webhook_url;
  return validateWebhookUrl(webhookUrl, `${where} field "webhook_url"`);
}

export type WebhookUrlSource = () => Promise<string>;

/** The webhook URL from the secret named by `SLACK_WEBHOOK_SECRET_ID`, cached for warm invocations. */
export function webhookUrlFromSecret(env: NodeJS.ProcessEnv = process.env): WebhookUrlSource {
  return async () => {
    const secretId = env[WEBHOOK_SECRET_ENV];
    if (!secretId) {
      throw new WebhookConfigError(`${WEBHOOK_SECRET_ENV} is not set; the stack sets it to the webhook secret's ARN`);
    }
    let secretString: unknown;
    try {
      secretString = await getSecret(secretId, { maxAge: SECRET_CACHE_SECONDS });
    } catch (error) {
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.name : error.name) : 'error';
      throw new WebhookConfigError(
        `could not read secret "${secretId}" (${reason}); check it exists and the role may read it`,
      );
    }
    return parseWebhookSecret(secretString, secretId);
  };
}

/** A fixed URL (local invoke, tests): no AWS call. */
export function fixedWebhookUrl(url: string): WebhookUrlSource {
  const valid = validateWebhookUrl(url, '--webhook-url');
  return () => Promise.resolve(valid);
}
