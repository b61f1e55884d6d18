// The slack-notifier's read access to ECS: ecs:DescribeServices on exactly the scheduled services,
// each by its ARN (no wildcard). IAM holds a managed policy to 6,144 characters and a role to 10
// managed policies by default, so the ARNs are packed into as few policies as that allows; the stack
// creates them and a config rule refuses a list that cannot fit.

/** IAM's size limit of one managed policy (characters, whitespace not counted: jsonencode writes none). */
export const MANAGED_POLICY_CHARACTERS = 6144;
/** Managed policies one role may hold by default (IAM quota), less the basic execution policy. */
export const MAX_DESCRIBE_POLICIES = 9;

export const DESCRIBE_SERVICES_ACTION = 'ecs:DescribeServices';

export interface ServiceArnScope {
  region: string;
  accountId: string;
}

export function serviceArn(scope: ServiceArnScope, cluster: string, service: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:service/${cluster}/${service}`;
}

/** One policy document granting DescribeServices on these ARNs. */
export function describeServicesDocument(arns: string[]) {
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'ReadScheduledServices', Effect: 'Allow' as const, Action: DESCRIBE_SERVICES_ACTION, Resource: arns },
    ],
  };
}

/**
 * The services' ARNs (sorted, each once), packed greedily into documents within the size limit:
 * one list per policy. Deterministic for a given set of services.
 */
export function describeServicesPolicies(
  scope: ServiceArnScope,
  services: { cluster: string; service: string }[],
): string[][] {
  const arns = [...new Set(services.map((s) => serviceArn(scope, s.cluster, s.service)))].sort();
  const groups: string[][] = [];
  let current: string[] = [];
  for (const arn of arns) {
    const candidate = [...current, arn];
    if (current.length > 0 && JSON.stringify(describeServicesDocument(candidate)).length > MANAGED_POLICY_CHARACTERS) {
      groups.push(current);
      current = [arn];
    } else {
      current = candidate;
    }
  }
  if (current.length > 0) groups.push(current);
  return groups;
}
