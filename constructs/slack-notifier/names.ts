// AWS names and Terraform logical IDs of the slack-notifier resources. The names are the legacy
// module's (modules/slack-notifier/main.tf); each logical ID is `slack_notifier_<legacy resource
// name>`, so `module.slack_notifier.aws_sqs_queue.alerts` becomes `aws_sqs_queue.slack_notifier_alerts`.

export const LEGACY_MODULE = 'slack_notifier';

export function notifierNames(prefix: string, environment: string) {
  return {
    queue: `${prefix}-alerts-${environment}`,
    deadLetterQueue: `${prefix}-alerts-dlq-${environment}`,
    function: `${prefix}-slack-notifier-${environment}`,
    role: `${prefix}-slack-notifier-role-${environment}`,
    sqsPolicy: `${prefix}-lambda-sqs-${environment}`,
    secretPolicy: `${prefix}-slack-notifier-secret-${environment}`,
    rule: `${prefix}-update-service-${environment}`,
    /** Rule `part` (2, 3, ...) of a caller list too long for one pattern; at most 62 characters below 1,000 parts. */
    extraRule: (part: number) => `${prefix}-update-service-${part}-${environment}`,
    logGroup: `/${prefix}/${environment}/slack-notifier`,
    dlqAlarm: `${prefix}-alerts-dlq-not-empty-${environment}`,
    errorsAlarm: `${prefix}-slack-notifier-errors-${environment}`,
    throttlesAlarm: `${prefix}-slack-notifier-throttles-${environment}`,
    slackRefusedAlarm: `${prefix}-slack-notifier-slack-refused-${environment}`,
    ruleDeadLetterQueue: `${prefix}-update-service-dlq-${environment}`,
    ruleDlqAlarm: `${prefix}-update-service-dlq-not-empty-${environment}`,
    /** FailedInvocations of rule `part` (1: the legacy rule). */
    ruleFailedAlarm: (part: number) =>
      part === 1
        ? `${prefix}-update-service-failed-${environment}`
        : `${prefix}-update-service-${part}-failed-${environment}`,
    deadlineDeadLetterQueue: `${prefix}-wave-deadline-dlq-${environment}`,
    deadlineDlqAlarm: `${prefix}-wave-deadline-dlq-not-empty-${environment}`,
    trail: `${prefix}-management-events-${environment}`,
    waveTable: `${prefix}-waves-${environment}`,
    wavePolicy: `${prefix}-slack-notifier-waves-${environment}`,
    /** At most 32 + 22 + 10 = 64 characters: within Scheduler's limit for any valid prefix and environment. */
    waveDeadline: (action: 'scale-up' | 'scale-down') => `${prefix}-${action}-deadline-${environment}`,
    deadlineRole: `${prefix}-wave-deadline-role-${environment}`,
    deadlinePolicy: `${prefix}-wave-deadline-invoke-${environment}`,
    /** At most 32 + 20 + 10 = 62 characters, like the deadline's. */
    settleCheck: (action: 'scale-up' | 'scale-down') => `${prefix}-${action}-settle-${environment}`,
    /** Part 1 of the ecs:DescribeServices policies, then `-2-`, `-3-`, ... (ecs-read-policy.ts). */
    describeServicesPolicy: (part: number) =>
      part === 1
        ? `${prefix}-slack-notifier-describe-services-${environment}`
        : `${prefix}-slack-notifier-describe-services-${part}-${environment}`,
    /** S3 names are global: the account ID keeps them unique. */
    trailBucket: (accountId: string) => `${prefix}-trail-${environment}-${accountId}`,
  };
}

/** Legacy resource names (preserved), then the resources this project adds. */
export const NOTIFIER_RESOURCES = {
  queue: 'alerts',
  queuePolicy: 'allow_eventbridge',
  function: 'slack_notifier',
  role: 'lambda_role',
  basicExecution: 'lambda_basic',
  sqsPolicy: 'lambda_sqs',
  eventSourceMapping: 'sqs_trigger',
  rule: 'ecs_update_service',
  target: 'send_to_sqs',
  // New in this project:
  deadLetterQueue: 'alerts_dlq',
  deadLetterQueuePolicy: 'alerts_dlq_policy',
  secretPolicy: 'lambda_secret',
  logGroup: 'lambda_logs',
  dlqAlarm: 'alerts_dlq_not_empty',
  waveTable: 'waves',
  wavePolicy: 'lambda_waves',
  closeRetries: 'wave_close_retries',
  deadlineRole: 'wave_deadline_role',
  deadlinePolicy: 'wave_deadline_invoke',
  deadlineScaleUp: 'wave_deadline_scale_up',
  deadlineScaleDown: 'wave_deadline_scale_down',
  settleScaleUp: 'wave_settle_scale_up',
  settleScaleDown: 'wave_settle_scale_down',
  describeServices: 'describe_services',
  describeServicesAttachment: 'describe_services_attachment',
  deadlineDeadLetterQueue: 'wave_deadline_dlq',
  deadlineDeadLetterQueuePolicy: 'wave_deadline_dlq_policy',
  deadlineDlqAlarm: 'wave_deadline_dlq_not_empty',
  errorsAlarm: 'function_errors',
  throttlesAlarm: 'function_throttles',
  slackRefusedAlarm: 'function_slack_refused',
  ruleDeadLetterQueue: 'update_service_dlq',
  ruleDeadLetterQueuePolicy: 'update_service_dlq_policy',
  ruleDlqAlarm: 'update_service_dlq_not_empty',
  ruleFailedAlarm: 'update_service_failed',
} as const;

export type NotifierResource = keyof typeof NOTIFIER_RESOURCES;

export function notifierLogicalId(resource: NotifierResource): string {
  return `${LEGACY_MODULE}_${NOTIFIER_RESOURCES[resource]}`;
}

/** Logical ID of part 2, 3, ... of the rule or its target (part 1 is the legacy resource itself). */
export function notifierPartLogicalId(
  resource: 'rule' | 'target' | 'ruleFailedAlarm' | 'describeServices' | 'describeServicesAttachment',
  part: number,
): string {
  return `${notifierLogicalId(resource)}_${part}`;
}

/** The legacy address, for moved blocks: `module.slack_notifier.<type>.<name>`. */
export function legacyNotifierAddress(type: string, resource: NotifierResource): string {
  return `module.${LEGACY_MODULE}.${type}.${NOTIFIER_RESOURCES[resource]}`;
}
