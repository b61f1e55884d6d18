// The alert deliveries table (DynamoDB, one per environment): one item per SNS message, so Lambda's
// retries of an invocation and SNS's redeliveries of a message know what was posted.
//
//   messageId = <SNS MessageId>   lease (epoch ms), delivered (true), unconfirmed (count), expiresAt
//
// The lease is written before the post and removed after it. Each attempt is counted in `unconfirmed`
// before it is sent (under the lease) and uncounted only once Slack refused it, so a crash or a failed
// write anywhere leaves the count too high, never too low: a lease found run out needs no extra count.
// `delivered` ends it: a repeat of the message posts nothing.
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { type DeliveryLedger, MAX_MAYBE_POSTS } from '../shared/deliver';
import { expiredBefore } from '../shared/lease';

/** Key and TTL attribute names; the stack creates the table with them. */
export const DELIVERIES_TABLE = { partitionKey: 'messageId', ttlAttribute: 'expiresAt' } as const;

/** Longer than Lambda's 6 h event age and SNS's redelivery: after that an item is of no use. */
export const DELIVERY_RETENTION_DAYS = 2;

export type Claim =
  /** This invocation may post; `unconfirmed` earlier posts of the message may be in Slack. */
  | { status: 'claimed'; unconfirmed: number }
  /** Posted before: a repeat of the message. */
  | { status: 'delivered' }
  /** Another invocation is posting it right now (its lease, epoch ms). */
  | { status: 'held'; lease: number };

/** The record as it is now. */
export type RecordState = { status: 'delivered' } | { status: 'held'; lease: number } | { status: 'free' };

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
          ConditionExpression:
            'attribute_not_exists(#delivered) AND (attribute_not_exists(#lease) OR #lease < :expired)',
          ExpressionAttributeNames: {
            '#lease': 'lease',
            '#ttl': DELIVERIES_TABLE.ttlAttribute,
            '#delivered': 'delivered',
          },
          ExpressionAttributeValues: {
            ':until': { N: String(until) },
            ':expired': { N: String(expiredBefore(now)) },
            ':ttl': { N: String(Math.floor(now / 1000) + DELIVERY_RETENTION_DAYS * 24 * 3600) },
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return { status: 'claimed', unconfirmed: numberOf(output.Attributes?.unconfirmed) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const state = await this.state(messageId);
      // Given back between our write and our read: held by nobody, so by "another" that is done.
      return state.status === 'free' ? { status: 'held', lease: 0 } : state;
    }
  }

  /** What Slack holds of the message, as recorded: delivered, or the copies it may hold. */
  async peek(messageId: string): Promise<{ delivered: boolean; unconfirmed: number }> {
    const item = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.key(messageId), ConsistentRead: true }),
    );
    return { delivered: item.Item?.delivered?.BOOL === true, unconfirmed: numberOf(item.Item?.unconfirmed) };
  }

  /** The record now (strongly consistent). */
  async state(messageId: string): Promise<RecordState> {
    const item = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.key(messageId), ConsistentRead: true }),
    );
    if (item.Item?.delivered) return { status: 'delivered' };
    const lease = item.Item?.lease?.N;
    return lease === undefined ? { status: 'free' } : { status: 'held', lease: Number(lease) };
  }

  /** Records each attempt of the post under the claim (the ledger of deliver.ts); `confirm` marks it delivered. */
  ledger(messageId: string, until: number, unconfirmed: number): DeliveryLedger {
    const update = (expression: string, condition: string, values: Record<string, AttributeValue>) =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(messageId),
          UpdateExpression: expression,
          ConditionExpression: `#lease = :until${condition}`,
          ExpressionAttributeNames: {
            '#lease': 'lease',
            ...(expression.includes('#unconfirmed') || condition.includes('#unconfirmed')
              ? { '#unconfirmed': 'unconfirmed' }
              : {}),
            ...(expression.includes('#delivered') ? { '#delivered': 'delivered' } : {}),
          },
          ExpressionAttributeValues: { ':until': { N: String(until) }, ...values },
        }),
      );
    return {
      parts: [{ maybe: unconfirmed, delivered: false }],
      reserve: async () => {
        await update('ADD #unconfirmed :one', ' AND (attribute_not_exists(#unconfirmed) OR #unconfirmed < :max)', {
          ':one': { N: '1' },
          ':max': { N: String(MAX_MAYBE_POSTS) },
        });
      },
      unreserve: async () => {
        await update('ADD #unconfirmed :minus', ' AND #unconfirmed > :zero', {
          ':minus': { N: '-1' },
          ':zero': { N: '0' },
        });
      },
      confirm: async () => {
        await update('SET #delivered = :true REMOVE #lease', '', { ':true': { BOOL: true } });
      },
    };
  }

  /**
   * After a post made without a claim (the claim failed): records what Slack may hold, whoever holds
   * the lease now, so that a retry neither posts a delivered alarm nor exceeds the maybe-posts.
   */
  async recordUnclaimed(messageId: string, delivered: boolean, unconfirmed: number): Promise<void> {
    if (!delivered && unconfirmed === 0) return;
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(messageId),
        UpdateExpression: delivered ? 'SET #delivered = :true' : 'ADD #unconfirmed :n',
        ExpressionAttributeNames: delivered ? { '#delivered': 'delivered' } : { '#unconfirmed': 'unconfirmed' },
        ExpressionAttributeValues: delivered ? { ':true': { BOOL: true } } : { ':n': { N: String(unconfirmed) } },
      }),
    );
  }

  /** After a failed post: gives the claim back (each attempt Slack may have posted is counted already). */
  async release(messageId: string, until: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(messageId),
          UpdateExpression: 'REMOVE #lease',
          ConditionExpression: '#lease = :until',
          ExpressionAttributeNames: { '#lease': 'lease' },
          ExpressionAttributeValues: { ':until': { N: String(until) } },
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
