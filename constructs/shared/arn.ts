// ARNs built from config. The project deploys to the commercial `aws` partition.
export interface AccountScope {
  region: string;
  /** The environment's 12-digit AWS account ID (`accountId` in its config). */
  accountId: string;
}

export function ecsServiceArn(scope: AccountScope, cluster: string, service: string): string {
  return `arn:aws:ecs:${scope.region}:${scope.accountId}:service/${cluster}/${service}`;
}
