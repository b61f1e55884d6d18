// The Slack webhook secret as Terraform sees it: a reference (name or ARN) and the IAM statements
// to read it. The value is never read by Terraform, so it never reaches config or state.
import type { AccountScope } from './arn';
import type { PolicyStatement } from './iam-policy';

export interface WebhookSecretReference {
  /** What the function passes to GetSecretValue (SLACK_WEBHOOK_SECRET_ID). */
  secretId: string;
  /** The secret's ARN, or for a name the ARN pattern with Secrets Manager's 6-character suffix. */
  resourceArn: string;
}

export function webhookSecretReference(secret: string, scope: AccountScope): WebhookSecretReference {
  if (secret.startsWith('arn:')) return { secretId: secret, resourceArn: secret };
  return {
    secretId: secret,
    resourceArn: `arn:aws:secretsmanager:${scope.region}:${scope.accountId}:secret:${secret}-??????`,
  };
}

/** GetSecretValue on this one secret, and Decrypt through Secrets Manager when a customer key encrypts it. */
export function readSecretStatements(secret: WebhookSecretReference, kmsKeyArn?: string): PolicyStatement[] {
  const statements: PolicyStatement[] = [
    {
      Sid: 'ReadSlackWebhookSecret',
      Effect: 'Allow',
      Action: 'secretsmanager:GetSecretValue',
      Resource: secret.resourceArn,
    },
  ];
  if (kmsKeyArn) {
    statements.push({
      Sid: 'DecryptSlackWebhookSecret',
      Effect: 'Allow',
      Action: 'kms:Decrypt',
      Resource: kmsKeyArn,
      Condition: { StringEquals: { 'kms:ViaService': `secretsmanager.${secretRegion(secret)}.amazonaws.com` } },
    });
  }
  return statements;
}

function secretRegion(secret: WebhookSecretReference): string {
  return secret.resourceArn.split(':')[3] ?? '';
}
