// Values both environments share: the HCP Terraform organization and the service catalog.
import type { EnvironmentInput, ServiceInput } from './schema';

/** HCP Terraform organization that holds the legacy workspaces `ecs-scheduler-<env>`. */
export const HCP_TERRAFORM_ORGANIZATION = 'ott-platform';

export function cloudBackend(environment: string): EnvironmentInput['backend'] {
  return { type: 'cloud', organization: HCP_TERRAFORM_ORGANIZATION, workspace: `ecs-scheduler-${environment}` };
}

export function defaultTags(environment: string): Record<string, string> {
  return { Project: 'ecs-scheduler', Environment: environment, ManagedBy: 'cdktf' };
}

/** Services of the main OTT cluster, scaled up to 1 task unless the environment says otherwise. */
const OTT_SERVICES = [
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

export type OttService = (typeof OTT_SERVICES)[number];

/**
 * The 20 scheduled services of an environment: the OTT cluster's, and FileFlow's three
 * (its two schedulers must never run more than one task: seed 001).
 */
export function serviceCatalog(
  environment: string,
  upCounts: Partial<Record<OttService, number>> = {},
): ServiceInput[] {
  const ott = OTT_SERVICES.map((service) => ({
    cluster: `ott-${environment}-cluster`,
    service,
    ...(upCounts[service] === undefined ? {} : { upCount: upCounts[service] }),
  }));
  const fileflowCluster = `fileflow-${environment}`;
  return [
    ...ott,
    { cluster: fileflowCluster, service: 'fileflow-web-api' },
    { cluster: fileflowCluster, service: 'fileflow-scheduler-download', singleton: true },
    { cluster: fileflowCluster, service: 'fileflow-scheduler-pipeline', singleton: true },
  ];
}
