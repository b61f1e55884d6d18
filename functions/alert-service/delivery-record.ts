// The alert deliveries table (DynamoDB, one per environment): one item per SNS message, so Lambda's
// retries of an invocation and SNS's redeliveries of a message know what was posted.
//
//   messageId = <SNS MessageId>   lease (epoch ms), delivered (true), unconfirmed (count), expiresAt
//
// The lease is written before the post and removed after it. A lease found expired means its
// invocation stopped mid-post, so Slack may have the alarm: that counts as a maybe-post, as does a
// post sent without an answer. `delivered` ends it: a repeat of the message posts nothing.
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';

/** Key and TTL attribute names; the stack creates the table with them. */
export const DELIVERIES_TABLE = { partitionKey: 'messageId', ttlAttribute: 'expiresAt' } as const;

/** Longer than Lambda's 6 h event age and SNS's redelivery: after that an item is of no use. */
export const DELIVERY_RETENTION_DAYS = 2;

export type Claim =
  /** This invocation may post; `unconfirmed` earlier posts of the message may be in Slack. */
  | { status: 'claimed'; unconfirmed: number }
  /** Posted before: a repeat of the message. */
  | { status: 'delivered' }
  /** Another invocation is posting it right now. */
  | { status: 'held' };

export class DeliveryRecords {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async claim(messageId: string, now: number, until: number): Promise<Claim> {
    try {
      const output = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(messageId),
          UpdateExpression: 'SET #lease = :until, #ttl = if_not_exists(#ttl, :ttl)',
          ConditionExpression: 'attribute_not_exists(#delivered) AND (attribute_not_exists(#lease) OR #lease < :now)',
          ExpressionAttributeNames: {
            '#lease': 'lease',
            '#ttl': DELIVERIES_TABLE.ttlAttribute,
            '#delivered': 'delivered',
          },
          ExpressionAttributeValues: {
            ':until': { N: String(until) },
            ':now': { N: String(now) },
            ':ttl': { N: String(Math.floor(now / 1000) + DELIVERY_RETENTION_DAYS * 24 * 3600) },
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const before = numberOf(output.Attributes?.unconfirmed);
      if (output.Attributes?.lease === undefined) return { status: 'claimed', unconfirmed: before };
      // Taken over from an invocation that stopped mid-post: count its post as a maybe.
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(messageId),
          UpdateExpression: 'ADD #unconfirmed :one',
          ConditionExpression: '#lease = :until',
          ExpressionAttributeNames: { '#unconfirmed': 'unconfirmed', '#lease': 'lease' },
          ExpressionAttributeValues: { ':one': { N: '1' }, ':until': { N: String(until) } },
        }),
      );
      return { status: 'claimed', unconfirmed: before + 1 };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const item = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: this.key(messageId), ConsistentRead: true }),
      );
      return item.Item?.delivered ? { status: 'delivered' } : { status: 'held' };
    }
  }

  /** After Slack took the post. */
  async delivered(messageId: string, until: number): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(messageId),
        UpdateExpression: 'SET #delivered = :true REMOVE #lease',
        ConditionExpression: '#lease = :until',
        ExpressionAttributeNames: { '#delivered': 'delivered', '#lease': 'lease' },
        ExpressionAttributeValues: { ':true': { BOOL: true }, ':until': { N: String(until) } },
      }),
    );
  }

  /** After a failed post: gives the claim back, counting the attempts Slack may have posted. */
  async release(messageId: string, until: number, unconfirmed: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(messageId),
          UpdateExpression: 'REMOVE #lease' + (unconfirmed > 0 ? ' ADD #unconfirmed :n' : ''),
          ConditionExpression: '#lease = :until',
          ExpressionAttributeNames: {
            '#lease': 'lease',
            ...(unconfirmed > 0 ? { '#unconfirmed': 'unconfirmed' } : {}),
          },
          ExpressionAttributeValues: {
            ':until': { N: String(until) },
            ...(unconfirmed > 0 ? { ':n': { N: String(unconfirmed) } } : {}),
          },
        }),
      );
    } catch (error) {
      // Taken over after the lease ran out: nothing of ours to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private key(messageId: string): Record<string, AttributeValue> {
    return { [DELIVERIES_TABLE.partitionKey]: { S: messageId } };
  }
}

function numberOf(value: AttributeValue | undefined): number {
  return value?.N === undefined ? 0 : Number(value.N);
}
