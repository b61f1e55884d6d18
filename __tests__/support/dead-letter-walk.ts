// Walks a synthesized stack for asynchronous hops without a dead-letter path to the operations topic.
// A hop is: each EventBridge rule target, each Scheduler schedule, each function invoked
// asynchronously (by a schedule or an SNS subscription), each queue read by an event source mapping.
// Each needs a dead-letter queue (a target's or schedule's dead_letter_config, a function's on-failure
// destination, a queue's redrive policy) watched by an alarm whose actions include the operations
// topic; each rule needs a FailedInvocations alarm there too; and when the stack owns the operations
// topic, its policy must admit every one of those alarms. The lead's live checks run the same walk
// over the shipped stacks: `deadLetterGaps(json)` lists what is missing, [] when nothing is.
import { decide, resourcePolicyOf } from './iam';
import { decodeJsonencode } from './jsonencode';
import type { TerraformJson } from './synth';

type Resource = Record<string, unknown>;

/** The operations topic as alarm actions name it: the stack's own topic, or `operations.topicArn`. */
export interface WalkOptions {
  operationsTopic?: string;
}

export const OWN_OPERATIONS_TOPIC = { type: 'aws_sns_topic', id: 'operations_topic' } as const;

const resources = (json: TerraformJson, type: string): [string, Resource][] =>
  Object.entries(json.resource[type] ?? {});

/** `${aws_sqs_queue.X.arn}` -> X. */
function referenced(value: unknown, type: string, attribute: string): string | undefined {
  const match = new RegExp(`^\\$\\{${type}\\.([A-Za-z0-9_-]+)\\.${attribute}\\}$`).exec(
    typeof value === 'string' ? value : '',
  );
  return match?.[1];
}

function decodeJson(value: unknown): Record<string, unknown> | undefined {
  return value === undefined ? undefined : (decodeJsonencode(value) as Record<string, unknown>);
}

interface Hop {
  /** `aws_cloudwatch_event_target.x`, ... */
  name: string;
  /** Logical ID of its dead-letter queue, if it has one in the stack. */
  deadLetterQueue?: string;
  /** Other things missing from it. */
  problems: string[];
}

function hops(json: TerraformJson): Hop[] {
  const found: Hop[] = [];
  for (const [id, target] of resources(json, 'aws_cloudwatch_event_target')) {
    const dlq = referenced((target.dead_letter_config as Resource | undefined)?.arn, 'aws_sqs_queue', 'arn');
    found.push({
      name: `aws_cloudwatch_event_target.${id}`,
      ...(dlq ? { deadLetterQueue: dlq } : {}),
      problems: target.retry_policy ? [] : ['no retry policy'],
    });
  }
  for (const [id, schedule] of resources(json, 'aws_scheduler_schedule')) {
    const target = (schedule.target ?? {}) as Resource;
    const dlq = referenced((target.dead_letter_config as Resource | undefined)?.arn, 'aws_sqs_queue', 'arn');
    found.push({
      name: `aws_scheduler_schedule.${id}`,
      ...(dlq ? { deadLetterQueue: dlq } : {}),
      problems: target.retry_policy ? [] : ['no retry policy'],
    });
  }
  // Functions invoked asynchronously: by a schedule, or by an SNS subscription.
  const asyncFunctions = new Set<string>();
  for (const [, schedule] of resources(json, 'aws_scheduler_schedule')) {
    const fn = referenced((schedule.target as Resource | undefined)?.arn, 'aws_lambda_function', 'arn');
    if (fn) asyncFunctions.add(fn);
  }
  for (const [, subscription] of resources(json, 'aws_sns_topic_subscription')) {
    const fn = referenced(subscription.endpoint, 'aws_lambda_function', 'arn');
    if (subscription.protocol === 'lambda' && fn) asyncFunctions.add(fn);
  }
  for (const fn of [...asyncFunctions].sort()) {
    const config = resources(json, 'aws_lambda_function_event_invoke_config').find(
      ([, c]) => referenced(c.function_name, 'aws_lambda_function', 'function_name') === fn,
    )?.[1];
    const onFailure = (config?.destination_config as { on_failure?: { destination?: string } } | undefined)?.on_failure
      ?.destination;
    const dlq = referenced(onFailure, 'aws_sqs_queue', 'arn');
    found.push({
      name: `asynchronous invocations of aws_lambda_function.${fn}`,
      ...(dlq ? { deadLetterQueue: dlq } : {}),
      problems: [],
    });
  }
  for (const [id, mapping] of resources(json, 'aws_lambda_event_source_mapping')) {
    const queueId = referenced(mapping.event_source_arn, 'aws_sqs_queue', 'arn');
    if (!queueId) continue;
    const redrive = decodeJson(json.resource.aws_sqs_queue?.[queueId]?.redrive_policy);
    const dlq = referenced(redrive?.deadLetterTargetArn, 'aws_sqs_queue', 'arn');
    found.push({
      name: `aws_lambda_event_source_mapping.${id} (queue ${queueId})`,
      ...(dlq ? { deadLetterQueue: dlq } : {}),
      problems: [],
    });
  }
  return found;
}

function alarms(json: TerraformJson): [string, Resource][] {
  return resources(json, 'aws_cloudwatch_metric_alarm');
}

function actionsInclude(alarm: Resource, topic: string): boolean {
  return ((alarm.alarm_actions as string[] | undefined) ?? []).includes(topic);
}

/** Every hop without a dead-letter path to the operations topic, as sentences; [] when there is none. */
export async function deadLetterGaps(json: TerraformJson, options: WalkOptions = {}): Promise<string[]> {
  const ownTopic = json.resource[OWN_OPERATIONS_TOPIC.type]?.[OWN_OPERATIONS_TOPIC.id];
  const topic =
    options.operationsTopic ?? (ownTopic ? `\${${OWN_OPERATIONS_TOPIC.type}.${OWN_OPERATIONS_TOPIC.id}.arn}` : '');
  if (!topic) return ['no operations topic: the stack has none, and none was named'];
  const gaps: string[] = [];
  /** Alarms that must reach the operations topic: alarm logical ID -> what it watches. */
  const routed = new Map<string, string>();

  for (const hop of hops(json)) {
    gaps.push(...hop.problems.map((problem) => `${hop.name}: ${problem}`));
    if (!hop.deadLetterQueue) {
      gaps.push(`${hop.name}: no dead-letter queue`);
      continue;
    }
    if (!json.resource.aws_sqs_queue?.[hop.deadLetterQueue]) {
      gaps.push(`${hop.name}: its dead-letter queue ${hop.deadLetterQueue} is not in the stack`);
      continue;
    }
    const watching = alarms(json).filter(
      ([, a]) =>
        a.namespace === 'AWS/SQS' &&
        a.metric_name === 'ApproximateNumberOfMessagesVisible' &&
        (a.dimensions as Record<string, string> | undefined)?.QueueName ===
          `\${aws_sqs_queue.${hop.deadLetterQueue}.name}`,
    );
    const toOperations = watching.filter(([, a]) => actionsInclude(a, topic));
    if (toOperations.length === 0) {
      gaps.push(`${hop.name}: no alarm on its dead-letter queue ${hop.deadLetterQueue} reaches the operations topic`);
    }
    for (const [id] of toOperations) routed.set(id, `the dead-letter queue of ${hop.name}`);
  }

  for (const [id] of resources(json, 'aws_cloudwatch_event_rule')) {
    const failed = alarms(json).filter(
      ([, a]) =>
        a.namespace === 'AWS/Events' &&
        a.metric_name === 'FailedInvocations' &&
        (a.dimensions as Record<string, string> | undefined)?.RuleName === `\${aws_cloudwatch_event_rule.${id}.name}` &&
        actionsInclude(a, topic),
    );
    if (failed.length === 0)
      gaps.push(`aws_cloudwatch_event_rule.${id}: no FailedInvocations alarm reaches the operations topic`);
    for (const [alarmId] of failed) routed.set(alarmId, `FailedInvocations of aws_cloudwatch_event_rule.${id}`);
  }

  // The stack's own topic must let each of those alarms publish (an existing topic's policy is its owner's).
  if (ownTopic && !options.operationsTopic) gaps.push(...(await unadmitted(json, routed)));
  return gaps;
}

async function unadmitted(json: TerraformJson, routed: Map<string, string>): Promise<string[]> {
  const policyEntry = resources(json, 'aws_sns_topic_policy').find(
    ([, p]) => referenced(p.arn, OWN_OPERATIONS_TOPIC.type, 'arn') === OWN_OPERATIONS_TOPIC.id,
  );
  if (!policyEntry) return ['the operations topic has no topic policy: no alarm may publish to it'];
  const provider = json.provider.aws[0] ?? {};
  const region = String(provider.region);
  const account = String((provider.allowed_account_ids as string[] | undefined)?.[0]);
  const policy = resourcePolicyOf(json, 'aws_sns_topic_policy', policyEntry[0]);
  const topicArn = String(
    (policy.Statement.find((s) => s.Sid === 'CloudWatchAlarmsOfThisAccountPublish') ?? policy.Statement[0])?.Resource,
  );
  const gaps: string[] = [];
  for (const [id, what] of [...routed.entries()].sort()) {
    const name = json.resource.aws_cloudwatch_metric_alarm?.[id]?.alarm_name;
    const decision = await decide({
      principal: 'cloudwatch.amazonaws.com',
      action: 'sns:Publish',
      resource: topicArn,
      context: {
        'aws:SourceAccount': account,
        'aws:SourceArn': `arn:aws:cloudwatch:${region}:${account}:alarm:${String(name)}`,
      },
      resourcePolicy: policy,
    });
    if (decision !== 'Allowed')
      gaps.push(`alarm ${String(name)} (${what}): the operations topic's policy does not admit it`);
  }
  return gaps;
}
