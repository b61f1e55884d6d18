// An SNS topic CloudWatch alarms publish to, encrypted with its own KMS key: CloudWatch cannot publish
// to a topic encrypted with the AWS managed SNS key, whose policy cannot grant it. Only the alarms
// given to `admitAlarms` (this account's, by ARN or ARN pattern) may publish and use the key.
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import type { AccountScope } from './arn';
import { policyDocument } from './iam-policy';

export interface AlarmTopicProps {
  topicName: string;
  keyAlias: string;
  account: AccountScope;
  logicalIds: { key: string; keyAlias: string; topic: string; policy: string };
}

/** `arn:aws:cloudwatch:<region>:<account>:alarm:<name>`; a name of `*` stands for every alarm. */
export function alarmArn(account: AccountScope, alarmName: string): string {
  return `arn:aws:cloudwatch:${account.region}:${account.accountId}:alarm:${alarmName}`;
}

export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;
  private admitted = false;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: AlarmTopicProps,
  ) {
    super(scope, id);
    this.key = new KmsKey(this, 'key', {
      description: `Encrypts SNS topic ${props.topicName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    });
    this.key.overrideLogicalId(props.logicalIds.key);

    new KmsAlias(this, 'key_alias', { name: props.keyAlias, targetKeyId: this.key.keyId }).overrideLogicalId(
      props.logicalIds.keyAlias,
    );

    this.topic = new SnsTopic(this, 'topic', { name: props.topicName, kmsMasterKeyId: this.key.arn });
    this.topic.overrideLogicalId(props.logicalIds.topic);
  }

  /** The key and topic policies: these alarms of this account (ARNs, `*` allowed) may publish. Once. */
  admitAlarms(alarmArns: string[]): void {
    if (this.admitted) throw new Error(`${this.props.topicName}: admitAlarms may be called once`);
    if (alarmArns.length === 0) throw new Error(`${this.props.topicName}: no alarm may publish to it`);
    this.admitted = true;
    const { accountId } = this.props.account;
    const fromTheseAlarms = {
      StringEquals: { 'aws:SourceAccount': accountId },
      ArnLike: { 'aws:SourceArn': alarmArns.length === 1 ? alarmArns[0]! : [...alarmArns].sort() },
    };

    // In a key policy "Resource": "*" means this key.
    this.key.policy = policyDocument([
      {
        Sid: 'AccountAdministersKeyThroughIam',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'CloudWatchAlarmsEncryptMessages',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: fromTheseAlarms,
      },
    ]);

    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: policyDocument([
        {
          Sid: 'CloudWatchAlarmsOfThisAccountPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: this.topic.arn,
          Condition: fromTheseAlarms,
        },
        {
          Sid: 'AccountManagesTopic',
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${accountId}:root` },
          Action: [
            'sns:GetTopicAttributes',
            'sns:SetTopicAttributes',
            'sns:AddPermission',
            'sns:RemovePermission',
            'sns:DeleteTopic',
            'sns:Subscribe',
            'sns:ListSubscriptionsByTopic',
          ],
          Resource: this.topic.arn,
        },
      ]),
    }).overrideLogicalId(this.props.logicalIds.policy);
  }
}
