// ARNs built from config. The project deploys to the commercial `aws` partition.
export interface AccountScope {
  region: string;
  /** AWS account ID; a token (data.aws_caller_identity) in the stacks. */
  accountId: string;
}

export function ecsServiceArn(scope: AccountScope, cluster: string, service: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:service/${cluster}/${service}`;
}
