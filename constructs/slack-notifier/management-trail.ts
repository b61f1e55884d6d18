// A minimal CloudTrail trail for accounts without one: EventBridge receives "AWS API Call via
// CloudTrail" events only while a trail logs management events. Single-region, write events only,
// logs in a private, encrypted, TLS-only bucket that expires them.
import { Cloudtrail } from '@cdktf/provider-aws/lib/cloudtrail';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { Construct } from 'constructs';
import type { AccountScope } from '../shared/arn';
import { denyInsecureTransport, policyDocument } from '../shared/iam-policy';

export interface ManagementTrailProps {
  trailName: string;
  bucketName: string;
  account: AccountScope;
  logExpirationDays: number;
}

export class ManagementTrail extends Construct {
  readonly trail: Cloudtrail;
  readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: ManagementTrailProps) {
    super(scope, id);
    const { region, accountId } = props.account;
    const id_ = (name: string) => `slack_notifier_trail_${name}`;

    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName });
    this.bucket.overrideLogicalId(id_('bucket'));
    const bucketId = this.bucket.id;
    const bucketArn = this.bucket.arn;

    const publicAccess = new S3BucketPublicAccessBlock(this, 'public_access', {
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    publicAccess.overrideLogicalId(id_('public_access'));

    new S3BucketOwnershipControls(this, 'ownership', {
      bucket: bucketId,
      rule: { objectOwnership: 'BucketOwnerEnforced' },
    }).overrideLogicalId(id_('ownership'));

    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: bucketId,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    }).overrideLogicalId(id_('encryption'));

    new S3BucketLifecycleConfiguration(this, 'expiry', {
      bucket: bucketId,
      rule: [
        {
          id: 'expire-trail-logs',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          expiration: [{ days: props.logExpirationDays }],
        },
      ],
    }).overrideLogicalId(id_('expiry'));

    // The trail ARN is built, not read, so the policy can exist before the trail (CloudTrail checks it).
    const trailArn = `arn:aws:cloudtrail:${region}:${accountId}:trail/${props.trailName}`;
    const cloudtrailOnly = { StringEquals: { 'aws:SourceArn': trailArn } };
    const policy = new S3BucketPolicy(this, 'policy', {
      bucket: bucketId,
      policy: policyDocument([
        {
          Sid: 'CloudTrailAclCheck',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:GetBucketAcl',
          Resource: bucketArn,
          Condition: cloudtrailOnly,
        },
        {
          Sid: 'CloudTrailWrite',
          Effect: 'Allow',
          Principal: { Service: 'cloudtrail.amazonaws.com' },
          Action: 's3:PutObject',
          Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
          Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn } },
        },
        denyInsecureTransport('s3:*', [bucketArn, `${bucketArn}/*`]),
      ]),
      dependsOn: [publicAccess],
    });
    policy.overrideLogicalId(id_('policy'));

    this.trail = new Cloudtrail(this, 'trail', {
      name: props.trailName,
      s3BucketName: bucketId,
      isMultiRegionTrail: false,
      includeGlobalServiceEvents: false,
      enableLogFileValidation: true,
      eventSelector: [{ readWriteType: 'WriteOnly', includeManagementEvents: true }],
      dependsOn: [policy],
    });
    this.trail.overrideLogicalId(id_('management_events'));
  }
}
