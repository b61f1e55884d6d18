// The alarm topic, encrypted with its own KMS key: CloudWatch cannot publish to a topic encrypted
// with the AWS managed SNS key, whose policy cannot grant it. Only this account's alarms may publish.
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import type { AccountScope } from '../shared/arn';
import { policyDocument } from '../shared/iam-policy';
import { cloudwatchLogicalId } from '../../shared/cloudwatch-names';

export interface AlarmTopicProps {
  topicName: string;
  keyAlias: string;
  account: AccountScope;
}

export class AlarmTopic extends Construct {
  readonly topic: SnsTopic;
  readonly key: KmsKey;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const { region, accountId } = props.account;
    const fromThisAccountsAlarms = {
      StringEquals: { 'aws:SourceAccount': accountId },
      ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` },
    };

    this.key = new KmsKey(this, 'key', {
      description: `Encrypts SNS topic ${props.topicName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      // In a key policy "Resource": "*" means this key.
      policy: policyDocument([
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
          Condition: fromThisAccountsAlarms,
        },
      ]),
    });
    this.key.overrideLogicalId(cloudwatchLogicalId('topicKey'));

    new KmsAlias(this, 'key_alias', { name: props.keyAlias, targetKeyId: this.key.keyId }).overrideLogicalId(
      cloudwatchLogicalId('topicKeyAlias'),
    );

    this.topic = new SnsTopic(this, 'topic', { name: props.topicName, kmsMasterKeyId: this.key.arn });
    this.topic.overrideLogicalId(cloudwatchLogicalId('topic'));

    new SnsTopicPolicy(this, 'policy', {
      arn: this.topic.arn,
      policy: policyDocument([
        {
          Sid: 'CloudWatchAlarmsOfThisAccountPublish',
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Resource: this.topic.arn,
          Condition: fromThisAccountsAlarms,
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
    }).overrideLogicalId(cloudwatchLogicalId('topicPolicy'));
  }
}
