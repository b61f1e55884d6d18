// The webhook URL is a secret: only its Secrets Manager reference may reach Terraform config or state;
// and nothing secret or account-specific may ride along in the synthesized stacks or the zips.
import { readFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { bundleFunction } from '../constructs/shared/bundle';
import { waveManifestFiles } from '../constructs/slack-notifier/wave-manifest';
import { parseEnvironment } from '../environments/validate';
import { testEnvironment } from './support/environment-builder';
import { synthText } from './support/synth';

/** The stack with its optional parts off, and with all of them on (trail, ECS alarms, secret ARNs, a KMS key). */
const ENVIRONMENTS = [
  ['qa (defaults)', testEnvironment()],
  [
    'qb (every optional part)',
    testEnvironment({
      name: 'qb',
      accountId: '135792468024',
      slackNotifier: {
        managementEventsTrail: { mode: 'create' },
        webhookSecret: 'arn:aws:secretsmanager:ap-northeast-2:135792468024:secret:qb/notifier-AbCdEf',
        webhookSecretKmsKeyArn: 'arn:aws:kms:ap-northeast-2:135792468024:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      },
      cloudwatch: { ecsAlarms: { services: ['api'] } },
    }),
  ],
] as const;

describe.each(ENVIRONMENTS)('the synthesized %s stack', (_, input) => {
  const text = synthText(input);

  it('holds no webhook URL or Slack token', () => {
    expect(text).not.toMatch(/hooks\.slack\.com|xox[abposr]-|webhook_url/i);
  });

  it('reads no secret value (no aws_secretsmanager_secret_version data source)', () => {
    expect(text).not.toContain('aws_secretsmanager_secret_version');
  });

  it('passes only secret references to the functions', () => {
    const ids = [...text.matchAll(/"SLACK_WEBHOOK_SECRET_ID": "([^"]+)"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(2);
    for (const id of ids) expect(id).toMatch(/^(arn:aws:secretsmanager:|[\w/+=.@-]+$)/);
  });
});

/** What must never be in a synthesized stack or a deployed bundle. */
const SECRET_PATTERNS: [what: string, pattern: RegExp][] = [
  ['a Slack webhook URL', /hooks\.slack\.com\/(services|workflows|triggers)\/T[A-Z0-9]+\//i],
  ['a Slack token', /\bxox[abposr]-[0-9A-Za-z-]{10,}/],
  ['an AWS access key ID', /\b(AKIA|ASIA)[0-9A-Z]{16}\b/],
  // 40 base64 characters with a digit, both cases and a "/" or "+" (minified names have neither).
  [
    'an AWS secret access key',
    /(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+]{0,39}\d)(?=[A-Za-z0-9/+]{0,39}[a-z])(?=[A-Za-z0-9/+]{0,39}[A-Z])(?=[A-Za-z0-9/+]{0,39}[/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/,
  ],
  ['a private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['an AWS account ID', /(?<![\d.])\d{12}(?![\d.])/],
];

/** Every secret-looking match; `declaredAccount` (the environment's own `accountId`) is the one number allowed. */
function secretsIn(text: string, declaredAccount?: string): string[] {
  return SECRET_PATTERNS.flatMap(([what, pattern]) => {
    const global = new RegExp(pattern.source, `${pattern.flags}g`);
    const found = [...text.matchAll(global)].filter((match) => match[0] !== declaredAccount);
    return found.map(
      (match) => `${what}: …${text.slice(Math.max(0, match.index - 30), match.index + match[0].length + 10)}…`,
    );
  });
}

describe('the secret scan', () => {
  it.each(ENVIRONMENTS)(
    'finds nothing secret, and no account but the declared one, in the synthesized %s stack',
    (_name, input) => {
      const text = synthText(input);
      expect(text).toContain(`"${input.accountId}"`);
      expect(secretsIn(text, input.accountId)).toEqual([]);
      expect(secretsIn(text.replace(`"${input.accountId}"`, '"999988887777"'), input.accountId)).not.toEqual([]);
    },
  );

  it.each([
    ['slack-notifier', waveManifestFiles(parseEnvironment(testEnvironment()))],
    ['alert-service', {}],
  ])('finds nothing secret or account-specific in the %s zip', (name, files) => {
    const entries = unzipSync(readFileSync(bundleFunction(name, files).zipPath));
    expect(Object.keys(entries).length).toBeGreaterThan(0);
    for (const [file, data] of Object.entries(entries)) {
      expect({ file, found: secretsIn(strFromU8(data)) }).toEqual({ file, found: [] });
    }
  });

  it.each([
    ['a webhook URL', '{"url":"https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/abcdefghijklmnopqrstuvwx"}'],
    ['an access key', 'AKIAIOSFODNN7EXAMPLE'],
    ['a secret key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['an account ID', '"arn:aws:iam::123456789012:role/x"'],
    ['a Slack token', 'xoxb-123456789012-abcdefghijkl'],
  ])('would catch %s', (_what, text) => {
    expect(secretsIn(text)).not.toEqual([]);
  });
});
