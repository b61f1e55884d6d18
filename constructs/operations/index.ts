// operations: the path that announces failures of the alerting itself (a dead-lettered record, an
// undelivered alarm, a function that errors or is throttled, a deadline schedule that could not run)
// without passing through Slack or the alert function: an SNS topic with email subscriptions, or an
// existing topic from config. New in this project; no legacy module.
import type { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { Construct } from 'constructs';
import { emailAddressKey } from '../../environments/operations-schema';
import type { EnvironmentConfig } from '../../environments/schema';
import { AlarmTopic, alarmArn } from '../shared/alarm-topic';
import type { AccountScope } from '../shared/arn';

export const OPERATIONS_LOGICAL_IDS = {
  topic: 'operations_topic',
  key: 'operations_topic_key',
  keyAlias: 'operations_topic_key_alias',
  policy: 'operations_topic_policy',
  /** `oncall@x.com` -> `operations_email_oncall_x_com`. */
  email: (address: string) => `operations_email_${emailAddressKey(address)}`,
} as const;

export function operationsNames(prefix: string, environment: string) {
  return { topic: `${prefix}-operations-${environment}`, keyAlias: `alias/${prefix}-operations-${environment}` };
}

export interface OperationsProps {
  config: EnvironmentConfig;
  account: AccountScope;
}

export class Operations extends Construct {
  /** Where every failure alarm goes. */
  readonly topicArn: string;
  /** The topic this stack created (none with `operations.topicArn`). */
  readonly topic?: AlarmTopic;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: OperationsProps,
  ) {
    super(scope, id);
    const { config, account } = props;
    if (config.operations.topicArn) {
      this.topicArn = config.operations.topicArn;
      return;
    }
    const names = operationsNames(config.namePrefix, config.name);
    this.topic = new AlarmTopic(this, 'topic', {
      topicName: names.topic,
      keyAlias: names.keyAlias,
      account,
      logicalIds: {
        key: OPERATIONS_LOGICAL_IDS.key,
        keyAlias: OPERATIONS_LOGICAL_IDS.keyAlias,
        topic: OPERATIONS_LOGICAL_IDS.topic,
        policy: OPERATIONS_LOGICAL_IDS.policy,
      },
    });
    this.topicArn = this.topic.topic.arn;
    // Email subscriptions wait for the address to confirm (help/configuration.md, "operations").
    for (const address of config.operations.emails ?? []) {
      new SnsTopicSubscription(this, `email_${emailAddressKey(address)}`, {
        topicArn: this.topicArn,
        protocol: 'email',
        endpoint: address,
      }).overrideLogicalId(OPERATIONS_LOGICAL_IDS.email(address));
    }
  }

  /** Lets exactly these alarms publish to the created topic (an existing topic's policy is its owner's). */
  admit(alarms: CloudwatchMetricAlarm[]): void {
    // The names as configured (not references: the key policy cannot depend on the alarms that use the topic).
    const names = alarms.map((alarm) => {
      if (alarm.alarmNameInput === undefined)
        throw new Error(`${alarm.node.path}: an alarm routed to operations needs a name`);
      return alarm.alarmNameInput;
    });
    this.topic?.admitAlarms(names.map((name) => alarmArn(this.props.account, name)));
  }
}
