// What the migration allows: the legacy resources that may go, and the replacements the new design
// makes on purpose (SPEC.md section 1; help/migration.md).
import { legacyCloudwatchAddress, type AdoptedResource } from '../../constructs/cloudwatch/adopt-legacy';
import { cloudwatchLogicalId } from '../../shared/cloudwatch-names';

/** The slack notifier's SNS era: the only ecs-scheduler resources that may be destroyed. */
export const ALLOWED_DESTROYS: Readonly<Record<string, string>> = {
  'module.slack_notifier.aws_sns_topic.alerts': 'SNS era: replaced by the SQS queue',
  'module.slack_notifier.aws_sns_topic_subscription.slack': 'SNS era: replaced by the SQS event source mapping',
  'module.slack_notifier.aws_lambda_permission.allow_sns': 'SNS era: SQS polling needs no invoke permission',
  'module.slack_notifier.aws_sns_topic_policy.allow_eventbridge': 'SNS era: replaced by the SQS queue policy',
  'module.slack_notifier.aws_cloudwatch_event_target.send_to_sns': 'SNS era: replaced by target SendToSQS',
  'module.cloudwatch.aws_iam_role_policy_attachment.alert_vpc':
    'the alert function no longer runs in a VPC; detach it in the legacy root before the hand-over',
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
