// AWS names and Terraform logical IDs of the cloudwatch resources (legacy modules/cloudwatch of
// Cloud-Infra-Education/Terraform @ a2282bb). Logical IDs are `cloudwatch_<legacy resource name>`.
// `legacyNames` keeps the legacy AWS names so existing resources can be imported; otherwise every
// name carries the environment (the legacy names collide when two environments share an account).

export const LEGACY_MODULE = 'cloudwatch';

/** Legacy alarm names (alarm.tf). */
export const LEGACY_ALARM_NAMES = {
  cpu: 'OTT-Aurora-Cluster-CPU-Utilization-High',
  freeableMemory: 'OTT-Aurora-Cluster-FreeableMemory-Low',
  connections: 'OTT-Aurora-Cluster-DatabaseConnections-High',
} as const;

/** The two config fields the names depend on (environments/cloudwatch-schema.ts). */
export interface CloudwatchNaming {
  team: string;
  legacyNames: boolean;
}

export function cloudwatchNames(config: CloudwatchNaming, environment: string) {
  const named = (legacy: string) => (config.legacyNames ? legacy : `${legacy}-${environment}`);
  const { team } = config;
  return {
    topic: named(`${team}-db-alarm-topic`),
    topicKeyAlias: `alias/${team}-db-alarm-topic-${environment}`,
    function: named(`${team}-alert-service`),
    role: named(`${team}-alert-service-role`),
    secretPolicy: named(`${team}-alert-secrets-policy`),
    failurePolicy: `${team}-alert-failures-policy-${environment}`,
    failureQueue: `${team}-alert-service-failures-${environment}`,
    failureAlarm: `${team}-alert-service-failures-not-empty-${environment}`,
    errorsAlarm: `${team}-alert-service-errors-${environment}`,
    throttlesAlarm: `${team}-alert-service-throttles-${environment}`,
    slackRefusedAlarm: `${team}-alert-service-slack-refused-${environment}`,
    deliveryTable: `${team}-alert-deliveries-${environment}`,
    deliveryPolicy: `${team}-alert-deliveries-policy-${environment}`,
    logGroup: `/${team}/${environment}/alert-service`,
    auroraAlarm: (key: keyof typeof LEGACY_ALARM_NAMES) => named(LEGACY_ALARM_NAMES[key]),
    ecsAlarm: (service: string, metric: 'cpu' | 'memory') => `${service}-ecs-${metric}-high-${environment}`,
  };
}

export const CLOUDWATCH_RESOURCES = {
  topic: 'db_alarm_topic',
  subscription: 'alert_sub',
  function: 'alert_service',
  permission: 'allow_sns',
  role: 'alert_exec',
  secretPolicy: 'alert_secrets_policy',
  basicExecution: 'alert_basic',
  cpuAlarm: 'aurora_cluster_cpu_high',
  freeableMemoryAlarm: 'aurora_cluster_memory_low',
  connectionsAlarm: 'aurora_cluster_connections_high',
  // New in this project:
  topicKey: 'db_alarm_topic_key',
  topicKeyAlias: 'db_alarm_topic_key_alias',
  topicPolicy: 'db_alarm_topic_policy',
  logGroup: 'alert_service_logs',
  failureQueue: 'alert_service_failures',
  failureQueuePolicy: 'alert_service_failures_policy',
  failurePolicy: 'alert_failures_policy',
  asyncInvokeConfig: 'alert_service_async',
  failureAlarm: 'alert_service_failures_not_empty',
  errorsAlarm: 'alert_service_errors',
  throttlesAlarm: 'alert_service_throttles',
  slackRefusedAlarm: 'alert_service_slack_refused',
  deliveryTable: 'alert_deliveries',
  deliveryPolicy: 'alert_deliveries_policy',
} as const;

export function cloudwatchLogicalId(resource: keyof typeof CLOUDWATCH_RESOURCES): string {
  return `${LEGACY_MODULE}_${CLOUDWATCH_RESOURCES[resource]}`;
}

/** `nestjs` + cpu -> `cloudwatch_nestjs_ecs_cpu_high`. */
export function ecsAlarmLogicalId(resourceName: string, metric: 'cpu' | 'memory'): string {
  return `${LEGACY_MODULE}_${resourceName.replace(/-/g, '_')}_ecs_${metric}_high`;
}
