// AWS names and Terraform logical IDs of the cloudwatch resources (legacy modules/cloudwatch of
// Cloud-Infra-Education/Terraform @ a2282bb). Logical IDs are `cloudwatch_<legacy resource name>`.
// `legacyNames` keeps the legacy AWS names so existing resources can be imported (as the legacy
// computes them: from `our_team`, or hard-coded); otherwise every name carries the environment (the
// legacy names collide when two environments share an account).

export const LEGACY_MODULE = 'cloudwatch';

/** Legacy alarm names (alarm.tf). */
export const LEGACY_ALARM_NAMES = {
  cpu: 'OTT-Aurora-Cluster-CPU-Utilization-High',
  freeableMemory: 'OTT-Aurora-Cluster-FreeableMemory-Low',
  connections: 'OTT-Aurora-Cluster-DatabaseConnections-High',
} as const;

/** The legacy function's name: lambda_alert.tf hard-codes it, whatever `our_team` is. */
export const LEGACY_FUNCTION_NAME = 'ott-alert-service';

/** Names of the legacy resources that differ from what the legacy module computes (adoptLegacy.names). */
export interface LegacyNameOverrides {
  topic?: string | undefined;
  function?: string | undefined;
  role?: string | undefined;
  secretPolicy?: string | undefined;
}

/** The config fields the names depend on (environments/cloudwatch-schema.ts). */
export interface CloudwatchNaming {
  team: string;
  legacyNames: boolean;
  adoptLegacy?: { names?: LegacyNameOverrides | undefined } | undefined;
}

export function cloudwatchNames(config: CloudwatchNaming, environment: string) {
  const { team } = config;
  const given = config.adoptLegacy?.names ?? {};
  /** The legacy name (the one given, else as the legacy computes it), or a new name with the environment. */
  const named = (key: keyof LegacyNameOverrides, legacy: string, fresh = legacy) =>
    config.legacyNames ? (given[key] ?? legacy) : `${fresh}-${environment}`;
  return {
    topic: named('topic', `${team}-db-alarm-topic`),
    topicKeyAlias: `alias/${team}-db-alarm-topic-${environment}`,
    function: named('function', LEGACY_FUNCTION_NAME, `${team}-alert-service`),
    role: named('role', `${team}-alert-service-role`),
    secretPolicy: named('secretPolicy', `${team}-alert-secrets-policy`),
    failurePolicy: `${team}-alert-failures-policy-${environment}`,
    failureQueue: `${team}-alert-service-failures-${environment}`,
    failureAlarm: `${team}-alert-service-failures-not-empty-${environment}`,
    errorsAlarm: `${team}-alert-service-errors-${environment}`,
    throttlesAlarm: `${team}-alert-service-throttles-${environment}`,
    slackRefusedAlarm: `${team}-alert-service-slack-refused-${environment}`,
    deliveryTable: `${team}-alert-deliveries-${environment}`,
    deliveryPolicy: `${team}-alert-deliveries-policy-${environment}`,
    logGroup: `/${team}/${environment}/alert-service`,
    auroraAlarm: (key: keyof typeof LEGACY_ALARM_NAMES) =>
      config.legacyNames ? LEGACY_ALARM_NAMES[key] : `${LEGACY_ALARM_NAMES[key]}-${environment}`,
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
