// The webhook URL is a secret: only its Secrets Manager reference may reach Terraform config or state.
import { dev } from '../environments/dev';
import { stg } from '../environments/stg';
import { synthText } from './support/synth';

describe.each([
  ['dev', dev],
  ['stg', stg],
])('the synthesized %s stack', (_, input) => {
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
