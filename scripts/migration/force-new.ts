// Arguments whose change makes the AWS provider replace the resource (ForceNew / RequiresReplace),
// for every resource type the legacy states and these stacks hold. `default` is the value the
// provider plans when the configuration leaves the argument out; without one, leaving it out keeps
// the value in state (Optional + Computed) or means empty. Checked against the provider's SDKv2 schemas,
// v6.0.0 to v6.58 (`ForceNew`, and CustomizeDiff for `durable_config`); the same in 5.95 except the
// `region` argument v6 adds to regional resources, which is left out here: left unset it stays the
// provider's region, and moving between empty and that region does not replace.
export interface ForceNewArgument {
  name: string;
  default?: string | number | boolean;
}

const arg = (name: string, defaultValue?: string | number | boolean): ForceNewArgument =>
  defaultValue === undefined ? { name } : { name, default: defaultValue };

export const FORCE_NEW: Readonly<Record<string, readonly ForceNewArgument[]>> = {
  aws_iam_role: [arg('name'), arg('name_prefix'), arg('path', '/')],
  aws_iam_role_policy: [arg('name'), arg('name_prefix'), arg('role')],
  aws_iam_role_policy_attachment: [arg('role'), arg('policy_arn')],
  aws_scheduler_schedule: [arg('name'), arg('name_prefix'), arg('group_name', 'default')],
  aws_sqs_queue: [arg('name'), arg('name_prefix'), arg('fifo_queue', false)],
  aws_sqs_queue_policy: [arg('queue_url')],
  aws_lambda_function: [arg('function_name'), arg('package_type', 'Zip'), arg('tenancy_config'), arg('durable_config')],
  aws_lambda_permission: [
    arg('action'),
    arg('event_source_token'),
    arg('function_name'),
    arg('function_url_auth_type'),
    arg('invoked_via_function_url'),
    arg('principal'),
    arg('principal_org_id'),
    arg('qualifier'),
    arg('source_account'),
    arg('source_arn'),
    arg('statement_id'),
    arg('statement_id_prefix'),
  ],
  aws_lambda_event_source_mapping: [
    arg('event_source_arn'),
    arg('starting_position'),
    arg('starting_position_timestamp'),
    arg('queues'),
    arg('topics'),
    arg('self_managed_event_source'),
  ],
  aws_cloudwatch_event_rule: [arg('name'), arg('name_prefix'), arg('event_bus_name', 'default')],
  aws_cloudwatch_event_target: [arg('rule'), arg('target_id'), arg('event_bus_name', 'default')],
  aws_sns_topic: [arg('name'), arg('name_prefix'), arg('fifo_topic', false)],
  aws_sns_topic_subscription: [arg('topic_arn'), arg('protocol'), arg('endpoint')],
  aws_sns_topic_policy: [arg('arn')],
  aws_cloudwatch_metric_alarm: [arg('alarm_name')],
  aws_cloudwatch_log_group: [arg('name'), arg('name_prefix'), arg('log_group_class')],
};
