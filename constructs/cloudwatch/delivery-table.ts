// The alert function's delivery record (functions/alert-service/delivery-record.ts): a table keyed by
// SNS MessageId, so a retried or redelivered alarm is not posted again blindly, and the function's
// access to it: read and conditionally update single items of this table, nothing else.
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import type { Construct } from 'constructs';
import { DELIVERIES_TABLE } from '../../functions/alert-service/delivery-record';
import { policyDocument } from '../shared/iam-policy';
import { cloudwatchLogicalId as logicalId } from '../../shared/cloudwatch-names';

export const DELIVERY_TABLE_ACTIONS = ['dynamodb:UpdateItem', 'dynamodb:GetItem'];

export interface DeliveryTableProps {
  tableName: string;
  policyName: string;
  /** The function's execution role (its `id`). */
  roleId: string;
}

export function deliveryTable(
  scope: Construct,
  props: DeliveryTableProps,
): { table: DynamodbTable; policy: IamRolePolicy } {
  const table = new DynamodbTable(scope, 'delivery_table', {
    name: props.tableName,
    billingMode: 'PAY_PER_REQUEST',
    hashKey: DELIVERIES_TABLE.partitionKey,
    attribute: [{ name: DELIVERIES_TABLE.partitionKey, type: 'S' }],
    ttl: { attributeName: DELIVERIES_TABLE.ttlAttribute, enabled: true },
    serverSideEncryption: { enabled: true },
  });
  table.overrideLogicalId(logicalId('deliveryTable'));
  const policy = new IamRolePolicy(scope, 'delivery_policy', {
    name: props.policyName,
    role: props.roleId,
    policy: policyDocument([
      { Sid: 'RecordDeliveries', Effect: 'Allow', Action: DELIVERY_TABLE_ACTIONS, Resource: table.arn },
    ]),
  });
  policy.overrideLogicalId(logicalId('deliveryPolicy'));
  return { table, policy };
}
