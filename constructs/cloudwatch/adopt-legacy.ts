// Adopts the legacy `module.cloudwatch` resources (another root's state) with `import` blocks,
// when the environment sets `cloudwatch.adoptLegacy`. The legacy root then lets go of them
// (help/migration.md). `alert_vpc` is not adopted: the function is no longer in a VPC.
import type { TerraformResource } from 'cdktf';
import type { AccountScope } from '../shared/arn';
import { BASIC_EXECUTION_POLICY_ARN } from '../shared/function-role';
import { CLOUDWATCH_RESOURCES, LEGACY_ALARM_NAMES, LEGACY_MODULE } from '../../shared/cloudwatch-names';

/** The SNS permission's statement, as the legacy module named it. */
export const ALLOW_SNS_STATEMENT_ID = 'AllowExecutionFromSNS';

export type AdoptedResource =
  | 'topic'
  | 'subscription'
  | 'function'
  | 'permission'
  | 'role'
  | 'secretPolicy'
  | 'basicExecution'
  | 'cpuAlarm'
  | 'freeableMemoryAlarm'
  | 'connectionsAlarm';

export interface LegacyCloudwatchNames {
  topic: string;
  function: string;
  role: string;
  secretPolicy: string;
}

/** Import IDs, in each resource type's documented import format. */
export function legacyImportIds(
  names: LegacyCloudwatchNames,
  account: AccountScope,
  subscriptionArn: string,
): Record<AdoptedResource, string> {
  return {
    topic: `arn:aws:sns:${account.region}:${account.accountId}:${names.topic}`,
    subscription: subscriptionArn,
    function: names.function,
    permission: `${names.function}/${ALLOW_SNS_STATEMENT_ID}`,
    role: names.role,
    secretPolicy: `${names.role}:${names.secretPolicy}`,
    basicExecution: `${names.role}/${BASIC_EXECUTION_POLICY_ARN}`,
    cpuAlarm: LEGACY_ALARM_NAMES.cpu,
    freeableMemoryAlarm: LEGACY_ALARM_NAMES.freeableMemory,
    connectionsAlarm: LEGACY_ALARM_NAMES.connections,
  };
}

/** `module.cloudwatch.aws_sns_topic.db_alarm_topic`: where the resource sits in the legacy root's state. */
export function legacyCloudwatchAddress(type: string, resource: AdoptedResource): string {
  return `module.${LEGACY_MODULE}.${type}.${CLOUDWATCH_RESOURCES[resource]}`;
}

export function adoptLegacyResources(
  resources: Partial<Record<AdoptedResource, TerraformResource>>,
  importIds: Record<AdoptedResource, string>,
): void {
  for (const [key, resource] of Object.entries(resources) as [AdoptedResource, TerraformResource | undefined][]) {
    resource?.importFrom(importIds[key]);
  }
}
