// The function's read access to ECS (help/architecture.md, "Did the services start?"): managed policies
// granting ecs:DescribeServices on exactly the scheduled services' ARNs, as many as IAM's size limit
// needs (shared/describe-services-policy.ts), each attached to the function's role.
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import type { Construct } from 'constructs';
import type { EnvironmentConfig } from '../../environments/schema';
import { describeServicesDocument, describeServicesPolicies } from '../../shared/describe-services-policy';
import type { AccountScope } from '../shared/arn';
import { policyDocument } from '../shared/iam-policy';
import { notifierLogicalId as logicalId, notifierNames, notifierPartLogicalId } from './names';

export interface EcsReadPolicyProps {
  config: EnvironmentConfig;
  account: AccountScope;
  /** The function's role (its name). */
  roleName: string;
}

/** The attachments, for the function to depend on. */
export function ecsReadPolicies(scope: Construct, props: EcsReadPolicyProps): IamRolePolicyAttachment[] {
  const { config } = props;
  const names = notifierNames(config.namePrefix, config.name);
  const groups = describeServicesPolicies(props.account, config.scheduler.services);
  return groups.map((arns, index) => {
    const part = index + 1;
    const policy = new IamPolicy(scope, part === 1 ? 'describe_services' : `describe_services_${part}`, {
      name: names.describeServicesPolicy(part),
      description:
        groups.length === 1
          ? `${names.function} reads the ${config.name} scheduled ECS services (whether they reached their desired count)`
          : `${names.function} reads the ${config.name} scheduled ECS services, part ${part} of ${groups.length}`,
      // The ARNs are literal (the account comes from the config): IAM counts exactly these characters.
      policy: policyDocument(describeServicesDocument(arns).Statement),
    });
    policy.overrideLogicalId(
      part === 1 ? logicalId('describeServices') : notifierPartLogicalId('describeServices', part),
    );
    const attachment = new IamRolePolicyAttachment(
      scope,
      part === 1 ? 'describe_services_attachment' : `describe_services_attachment_${part}`,
      { role: props.roleName, policyArn: policy.arn },
    );
    attachment.overrideLogicalId(
      part === 1 ? logicalId('describeServicesAttachment') : notifierPartLogicalId('describeServicesAttachment', part),
    );
    return attachment;
  });
}
