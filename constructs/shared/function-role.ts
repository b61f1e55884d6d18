// The execution role of a function that posts to Slack: trusted by Lambda for this account only,
// basic logging (the legacy attachment), and read access to its one webhook secret.
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { Construct } from 'constructs';
import { policyDocument, serviceTrustPolicy } from './iam-policy';
import { readSecretStatements, type WebhookSecretReference } from './webhook-secret';

/** AWS managed policy of the legacy `lambda_basic` / `alert_basic` attachments. */
export const BASIC_EXECUTION_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';

export interface SlackFunctionRoleProps {
  roleName: string;
  secretPolicyName: string;
  accountId: string;
  secret: WebhookSecretReference;
  secretKmsKeyArn?: string | undefined;
  /** Terraform logical IDs of the three resources. */
  logicalId: (resource: 'role' | 'basicExecution' | 'secretPolicy') => string;
}

export interface SlackFunctionRole {
  role: IamRole;
  basicExecution: IamRolePolicyAttachment;
  secretPolicy: IamRolePolicy;
}

export function slackFunctionRole(scope: Construct, props: SlackFunctionRoleProps): SlackFunctionRole {
  const role = new IamRole(scope, props.logicalId('role'), {
    name: props.roleName,
    assumeRolePolicy: serviceTrustPolicy('lambda.amazonaws.com', props.accountId),
  });
  role.overrideLogicalId(props.logicalId('role'));
  const basicExecution = new IamRolePolicyAttachment(scope, props.logicalId('basicExecution'), {
    role: role.name,
    policyArn: BASIC_EXECUTION_POLICY_ARN,
  });
  basicExecution.overrideLogicalId(props.logicalId('basicExecution'));
  const secretPolicy = new IamRolePolicy(scope, props.logicalId('secretPolicy'), {
    name: props.secretPolicyName,
    role: role.id,
    policy: policyDocument(readSecretStatements(props.secret, props.secretKmsKeyArn)),
  });
  secretPolicy.overrideLogicalId(props.logicalId('secretPolicy'));
  return { role, basicExecution, secretPolicy };
}
