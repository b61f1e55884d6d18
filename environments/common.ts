// Values both environments share: the HCP Terraform organization and the service catalog.
import type { EnvironmentInput, ServiceInput } from './schema';
import { fromCommon } from './shared-origin';

/** HCP Terraform organization that holds the legacy workspaces `ecs-scheduler-<env>`. */
export const HCP_TERRAFORM_ORGANIZATION = 'ott-platform';

export function cloudBackend(environment: string): EnvironmentInput['backend'] {
  return fromCommon({
    type: 'cloud',
    organization: HCP_TERRAFORM_ORGANIZATION,
    workspace: `ecs-scheduler-${environment}`,
  });
}

export function defaultTags(environment: string): Record<string, string> {
  return fromCommon({ Project: 'ecs-scheduler', Environment: environment, ManagedBy: 'cdktf' });
}

/**
 * Services of the environment's main cluster (the legacy `cluster_name`, `terraform-study-<env>-cluster`).
 * Keep this list equal to the live ECS services (`aws ecs list-services --cluster ...`): a name ECS does
 * not know makes that service's schedules fail at run time.
 */
const MAIN_CLUSTER_SERVICES = [
  'nestjs',
  'python-api',
  'worker-service',
  'frontend',
  'query-service',
  'command-service',
  'notification-service',
  'auth-service',
  'user-service',
  'content-service',
  'search-service',
  'recommendation-service',
  'payment-service',
  'streaming-gateway',
  'transcoder-worker',
  'admin-web',
  'ecs-handler',
] as const;

/**
 * The 20 scheduled services of an environment: the main cluster's, and FileFlow's three in its own
 * cluster (its two schedulers must never run more than one task: seed 001).
 */
export function serviceCatalog(environment: string): ServiceInput[] {
  const main = MAIN_CLUSTER_SERVICES.map((service) => ({ cluster: `terraform-study-${environment}-cluster`, service }));
  const fileflowCluster = `fileflow-${environment}`;
  const services: ServiceInput[] = [
    ...main,
    { cluster: fileflowCluster, service: 'fileflow-web-api' },
    { cluster: fileflowCluster, service: 'fileflow-scheduler-download', singleton: true },
    { cluster: fileflowCluster, service: 'fileflow-scheduler-pipeline', singleton: true },
  ];
  // An entry that <env>.ts replaces or spreads into a new object is reported against <env>.ts.
  return fromCommon(services.map((service) => fromCommon(service)));
}
