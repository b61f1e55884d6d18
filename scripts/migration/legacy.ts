// What the migration allows: the legacy resources that may go, the replacements the new design
// makes on purpose (SPEC.md section 1; help/migration.md), and how the legacy cloudwatch root's
// resources map to the stack's import blocks.
import { legacyCloudwatchAddress, type AdoptedResource } from '../../constructs/cloudwatch/adopt-legacy';
import { cloudwatchLogicalId, LEGACY_MODULE } from '../../shared/cloudwatch-names';
import type { StateResource } from './state-file';

/** The slack notifier's SNS era: the only ecs-scheduler resources that may be destroyed. */
export const ALLOWED_DESTROYS: Readonly<Record<string, string>> = {
  'module.slack_notifier.aws_sns_topic.alerts': 'SNS era: replaced by the SQS queue',
  'module.slack_notifier.aws_sns_topic_subscription.slack': 'SNS era: replaced by the SQS event source mapping',
  'module.slack_notifier.aws_lambda_permission.allow_sns': 'SNS era: SQS polling needs no invoke permission',
  'module.slack_notifier.aws_sns_topic_policy.allow_eventbridge': 'SNS era: replaced by the SQS queue policy',
  'module.slack_notifier.aws_cloudwatch_event_target.send_to_sns': 'SNS era: replaced by target SendToSQS',
};

/** Replacements the new design needs, by new address and the path Terraform reports as forcing it. */
export const INTENDED_REPLACEMENTS: Readonly<Record<string, string>> = {
  [`aws_lambda_function.${cloudwatchLogicalId('function')}#package_type`]:
    'the legacy alert function is a container image; it becomes a bundled zip (SPEC: cloudwatch)',
  [`aws_lambda_permission.${cloudwatchLogicalId('permission')}#replace_triggered_by`]:
    'deleting the replaced function deletes its permissions, so the permission is recreated with it',
  [`aws_sns_topic_subscription.${cloudwatchLogicalId('subscription')}#endpoint`]:
    'its endpoint is the replaced function, known again only after apply: the subscription is recreated with it',
};

const ADOPTED: Record<AdoptedResource, string> = {
  topic: 'aws_sns_topic',
  subscription: 'aws_sns_topic_subscription',
  function: 'aws_lambda_function',
  permission: 'aws_lambda_permission',
  role: 'aws_iam_role',
  secretPolicy: 'aws_iam_role_policy',
  basicExecution: 'aws_iam_role_policy_attachment',
  cpuAlarm: 'aws_cloudwatch_metric_alarm',
  freeableMemoryAlarm: 'aws_cloudwatch_metric_alarm',
  connectionsAlarm: 'aws_cloudwatch_metric_alarm',
};

/** Legacy `module.cloudwatch` address -> the new address that adopts it with an import block. */
export const ADOPTED_CLOUDWATCH: ReadonlyMap<string, string> = new Map(
  (Object.entries(ADOPTED) as [AdoptedResource, string][]).map(([key, type]) => [
    legacyCloudwatchAddress(type, key),
    `${type}.${cloudwatchLogicalId(key)}`,
  ]),
);

/** The legacy cloudwatch root's resources live under this module address. */
export const LEGACY_CLOUDWATCH_PREFIX = `module.${LEGACY_MODULE}.`;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The ID an `import` block names to read the object a state entry holds, in each type's documented
 * import format; undefined for a type the stack never imports.
 */
export function importIdOf(resource: StateResource): string | undefined {
  const a = resource.attributes;
  switch (resource.type) {
    case 'aws_sns_topic':
    case 'aws_sns_topic_subscription':
      return text(a.arn);
    case 'aws_lambda_function':
      return text(a.function_name);
    case 'aws_lambda_permission':
      return `${text(a.function_name)}/${text(a.statement_id)}`;
    case 'aws_iam_role':
      return text(a.name);
    case 'aws_iam_role_policy':
      return `${text(a.role)}:${text(a.name)}`;
    case 'aws_iam_role_policy_attachment':
      return `${text(a.role)}/${text(a.policy_arn)}`;
    case 'aws_cloudwatch_metric_alarm':
      return text(a.alarm_name);
    default:
      return undefined;
  }
}
