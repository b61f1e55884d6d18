// The waves table (DynamoDB, one per environment). Per wave, one item holds its state and one item
// per CloudTrail event holds a result:
//
//   pk = <env>#<wave id>   sk = "wave"                          status open|closed, services (set),
//                                                                reported (set of eventIDs), leases,
//                                                                the post in progress (closePost, followUpPost,
//                                                                checkPost), unsettled (set), checked
//   pk = <env>#<wave id>   sk = "result#<cluster/service>#<eventID>"   the result (JSON)
//
// Every write that decides something is conditional, so concurrent invocations agree:
// * a result is put only if absent (a redelivered event changes nothing);
// * recording adds the services to the wave item and returns its state in the same write, so an
//   invocation that sees the wave open knows any later summary will see its results;
// * posting the summary (or a follow-up) is claimed with a lease on the wave item: one invocation
//   wins; the lease ends with the invocation, so a crashed claimant cannot block the wave.
// * "maybe delivered": a post in progress (closePost / followUpPost) fixes what it says (the eventIDs,
//   when first sent) and, per part (message), counts the copies Slack may hold and whether Slack took
//   it. Each attempt is counted before it is sent (conditional on the claim), and uncounted only once
//   Slack refused it, so no crash or failed write can leave the count too low: a retry sends only
//   the parts Slack has not taken, with the "may repeat" note after a maybe-post, and never a third copy.
// * the settle check: `unsettled` gathers the services a post showed still starting (or unknown);
//   the check is claimed like a post (checkLease) and done once (`checked`).
import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { type DeliveryLedger, MAX_MAYBE_POSTS, type PartState } from '../shared/deliver';
import { expiredBefore } from '../shared/lease';
import type { ScalingResult } from './cloudtrail';
import type { TaskState } from './task-state';
import { WAVE_TABLE } from './waves';

/** How long a wave's items stay (DynamoDB deletes them some time after). */
export const WAVE_RETENTION_DAYS = 7;

export interface WaveKey {
  /** `scale-up@2026-11-23T00:00:00.000Z`, or `unscheduled@2026-11-23` for calls outside every wave. */
  id: string;
  /** Epoch seconds after which DynamoDB may delete the wave's items. */
  expiresAt: number;
}

export type WaveStatus = 'open' | 'closed';

export interface WaveState {
  status: WaveStatus;
  /** `cluster/service` of every service with at least one recorded result. */
  services: Set<string>;
  /** eventIDs already posted, in the summary or a follow-up. */
  reported: Set<string>;
  /** Epoch ms until which an invocation holds the claim to post the summary. */
  closeLease?: number;
  /** Epoch ms until which an invocation holds the claim to post a follow-up. */
  followUpLease?: number;
  /** The summary being posted, once any of it was sent. */
  closePost?: PostRecord;
  /** The same for the pending follow-up. */
  followUpPost?: PostRecord;
  /** `cluster/service` of the services a post showed still starting or stopping, or unknown. */
  unsettled: Set<string>;
  /** The settle check was done (its follow-up posted, or nothing to post). */
  checked: boolean;
  /** Epoch ms until which an invocation holds the settle check. */
  checkLease?: number;
  /** The settle check's follow-up being posted. */
  checkPost?: PostRecord;
}

/** A post (a summary or a follow-up) of which some part was sent. */
export interface PostRecord {
  /** What it says, fixed when first sent, so a retry sends the same parts. */
  content: PostContent;
  /** Per part, in order. */
  parts: PartState[];
}

export interface PostContent {
  /** eventIDs of the results it shows. */
  events: string[];
  /** Epoch ms a late summary was first sent (it says when). */
  lateAt?: number;
  /** What ECS reported of the services it shows, keyed `cluster/service`, as first read. */
  tasks?: Record<string, TaskState>;
}

export type Lease = 'closeLease' | 'followUpLease' | 'checkLease';
type PostAttribute = 'closePost' | 'followUpPost' | 'checkPost';

/** The attribute holding a lease's post in progress. */
export const POST_OF: Record<Lease, PostAttribute> = {
  closeLease: 'closePost',
  followUpLease: 'followUpPost',
  checkLease: 'checkPost',
};

const WAVE_ITEM = 'wave';
const RESULT_PREFIX = 'result#';

export class WaveStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly environment: string,
  ) {}

  /**
   * Stores each result once (by eventID) and adds its service to the wave; returns the wave's state
   * as of that write. A new wave starts `initial` (closed for calls outside every wave: each is
   * posted as a follow-up).
   */
  async record(wave: WaveKey, results: ScalingResult[], initial: WaveStatus): Promise<WaveState> {
    await Promise.all(results.map((result) => this.putResult(wave, result)));
    const output = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(wave, WAVE_ITEM),
        UpdateExpression:
          'SET #status = if_not_exists(#status, :initial), #ttl = if_not_exists(#ttl, :ttl) ADD #services :services',
        ExpressionAttributeNames: { '#status': 'status', '#ttl': WAVE_TABLE.ttlAttribute, '#services': 'services' },
        ExpressionAttributeValues: {
          ':initial': { S: initial },
          ':ttl': { N: String(wave.expiresAt) },
          ':services': { SS: [...new Set(results.map((r) => `${r.cluster}/${r.service}`))] },
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return stateOf(output.Attributes);
  }

  /**
   * Claims the right to post the wave's summary (creating the wave if no result arrived) until
   * `until`. Undefined when the wave is closed or another invocation holds a live claim. A claim
   * taken over from one that ran out needs no extra count: its claimant counted each attempt first.
   */
  claimClose(wave: WaveKey, now: number, until: number): Promise<WaveState | undefined> {
    return this.claim(wave, 'closeLease', now, until, {
      condition: '(attribute_not_exists(#status) OR #status = :open)',
      values: { ':open': { S: 'open' } },
      set: '#status = if_not_exists(#status, :open), #ttl = if_not_exists(#ttl, :ttl)',
      setValues: { ':ttl': { N: String(wave.expiresAt) } },
    });
  }

  /** Claims the settle check of a closed wave that was not checked yet. */
  claimCheck(wave: WaveKey, now: number, until: number): Promise<WaveState | undefined> {
    return this.claim(wave, 'checkLease', now, until, {
      condition: '#status = :closed AND attribute_not_exists(#checked)',
      values: { ':closed': { S: 'closed' } },
      names: { '#checked': 'checked' },
    });
  }

  /** Claims the right to post a follow-up of a closed wave. */
  claimFollowUp(wave: WaveKey, now: number, until: number): Promise<WaveState | undefined> {
    return this.claim(wave, 'followUpLease', now, until, {
      condition: '#status = :closed',
      values: { ':closed': { S: 'closed' } },
    });
  }

  /**
   * After a delivered post: marks the events reported (and the wave closed, or checked), and the
   * services it showed unsettled, ending the claim.
   */
  async finish(
    wave: WaveKey,
    lease: Lease,
    until: number,
    eventIds: string[],
    unsettled: string[] = [],
  ): Promise<WaveState> {
    const close = lease === 'closeLease';
    const check = lease === 'checkLease';
    const adds = [
      ...(eventIds.length > 0 ? ['#reported :ids'] : []),
      ...(unsettled.length > 0 ? ['#unsettled :unsettled'] : []),
    ];
    const output = await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(wave, WAVE_ITEM),
        UpdateExpression:
          (close ? 'SET #status = :closed ' : check ? 'SET #checked = :true ' : '') +
          'REMOVE #lease, #post' +
          (adds.length > 0 ? ` ADD ${adds.join(', ')}` : ''),
        ConditionExpression: '#lease = :until',
        ExpressionAttributeNames: {
          '#lease': lease,
          '#post': POST_OF[lease],
          ...(close ? { '#status': 'status' } : {}),
          ...(check ? { '#checked': 'checked' } : {}),
          ...(eventIds.length > 0 ? { '#reported': 'reported' } : {}),
          ...(unsettled.length > 0 ? { '#unsettled': 'unsettled' } : {}),
        },
        ExpressionAttributeValues: {
          ':until': { N: String(until) },
          ...(close ? { ':closed': { S: 'closed' } } : {}),
          ...(check ? { ':true': { BOOL: true } } : {}),
          ...(eventIds.length > 0 ? { ':ids': { SS: eventIds } } : {}),
          ...(unsettled.length > 0 ? { ':unsettled': { SS: [...new Set(unsettled)] } } : {}),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return stateOf(output.Attributes);
  }

  /**
   * After a failed post: gives the claim back, so a retry (or the deadline) can post. `forget`: none
   * of the post can be in Slack, so its content is dropped and a retry shows what the wave holds then.
   */
  async release(wave: WaveKey, lease: Lease, until: number, forget = false): Promise<void> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(wave, WAVE_ITEM),
          UpdateExpression: forget ? 'REMOVE #lease, #post' : 'REMOVE #lease',
          ConditionExpression: '#lease = :until',
          ExpressionAttributeNames: { '#lease': lease, ...(forget ? { '#post': POST_OF[lease] } : {}) },
          ExpressionAttributeValues: { ':until': { N: String(until) } },
        }),
      );
    } catch (error) {
      // Already taken over after the lease ran out: nothing of ours to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * Fixes what the post says before any of it is sent (once: a post in progress is resumed as it is,
   * unless `replace`).
   */
  async startPost(wave: WaveKey, lease: Lease, until: number, post: PostRecord, replace = false): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: this.key(wave, WAVE_ITEM),
        UpdateExpression: 'SET #post = :post',
        ConditionExpression: replace ? '#lease = :until' : '#lease = :until AND attribute_not_exists(#post)',
        ExpressionAttributeNames: { '#lease': lease, '#post': POST_OF[lease] },
        ExpressionAttributeValues: { ':until': { N: String(until) }, ':post': postValue(post) },
      }),
    );
  }

  /** Records each attempt of the post's parts under the claim (the ledger of deliver.ts). */
  ledger(wave: WaveKey, lease: Lease, until: number, parts: PartState[]): DeliveryLedger {
    const part = (index: number, set: string, condition: string, values: Record<string, AttributeValue>) =>
      this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(wave, WAVE_ITEM),
          UpdateExpression: `SET ${set.replaceAll('@', `#post.#parts[${index}]`)}`,
          ConditionExpression: `#lease = :until AND ${condition.replaceAll('@', `#post.#parts[${index}]`)}`,
          ExpressionAttributeNames: {
            '#lease': lease,
            '#post': POST_OF[lease],
            '#parts': 'parts',
            ...(set.includes('#maybe') ? { '#maybe': 'maybe' } : {}),
            '#delivered': 'delivered',
          },
          ExpressionAttributeValues: { ':until': { N: String(until) }, ...values },
        }),
      );
    return {
      parts,
      reserve: async (index) => {
        await part(index, '@.#maybe = @.#maybe + :one', '@.#maybe < :max AND @.#delivered = :false', {
          ':one': { N: '1' },
          ':max': { N: String(MAX_MAYBE_POSTS) },
          ':false': { BOOL: false },
        });
      },
      unreserve: async (index) => {
        await part(index, '@.#maybe = @.#maybe - :one', '@.#maybe > :zero AND @.#delivered = :false', {
          ':one': { N: '1' },
          ':zero': { N: '0' },
          ':false': { BOOL: false },
        });
      },
      confirm: async (index) => {
        await part(index, '@.#delivered = :true', 'attribute_exists(@)', { ':true': { BOOL: true } });
      },
    };
  }

  /** The wave's state now (strongly consistent); a wave never written reads as open and empty. */
  async state(wave: WaveKey): Promise<WaveState> {
    const output = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: this.key(wave, WAVE_ITEM), ConsistentRead: true }),
    );
    return stateOf(output.Item);
  }

  /** Every result recorded for the wave (strongly consistent: sees every completed write). */
  async results(wave: WaveKey): Promise<ScalingResult[]> {
    const results: ScalingResult[] = [];
    let start: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': WAVE_TABLE.partitionKey, '#sk': WAVE_TABLE.sortKey },
          ExpressionAttributeValues: { ':pk': { S: this.partition(wave) }, ':prefix': { S: RESULT_PREFIX } },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) results.push(JSON.parse(item.result?.S ?? '{}') as ScalingResult);
      start = page.LastEvaluatedKey;
    } while (start);
    return results;
  }

  private async putResult(wave: WaveKey, result: ScalingResult): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            ...this.key(wave, `${RESULT_PREFIX}${result.cluster}/${result.service}#${result.eventId}`),
            result: { S: JSON.stringify(result) },
            [WAVE_TABLE.ttlAttribute]: { N: String(wave.expiresAt) },
          },
          ConditionExpression: 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: { '#sk': WAVE_TABLE.sortKey },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error; // a repeat of a stored event
    }
  }

  private async claim(
    wave: WaveKey,
    lease: Lease,
    now: number,
    until: number,
    rule: {
      condition: string;
      values: Record<string, AttributeValue>;
      names?: Record<string, string>;
      set?: string;
      setValues?: Record<string, AttributeValue>;
    },
  ): Promise<WaveState | undefined> {
    try {
      const output = await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(wave, WAVE_ITEM),
          UpdateExpression: `SET #lease = :until${rule.set ? `, ${rule.set}` : ''}`,
          ConditionExpression: `${rule.condition} AND (attribute_not_exists(#lease) OR #lease < :expired)`,
          ExpressionAttributeNames: {
            '#lease': lease,
            '#status': 'status',
            ...rule.names,
            ...(rule.set ? { '#ttl': WAVE_TABLE.ttlAttribute } : {}),
          },
          ExpressionAttributeValues: {
            ':until': { N: String(until) },
            ':expired': { N: String(expiredBefore(now)) },
            ...rule.values,
            ...rule.setValues,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      // The item with our claim: the same results, services and reports as now, and any post in progress.
      return stateOf(output.Attributes);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  private partition(wave: WaveKey): string {
    return `${this.environment}#${wave.id}`;
  }

  private key(wave: WaveKey, sortKey: string): Record<string, AttributeValue> {
    return {
      [WAVE_TABLE.partitionKey]: { S: this.partition(wave) },
      [WAVE_TABLE.sortKey]: { S: sortKey },
    };
  }
}

function stateOf(item: Record<string, AttributeValue> | undefined): WaveState {
  const number = (value: AttributeValue | undefined) => (value?.N === undefined ? undefined : Number(value.N));
  const closeLease = number(item?.closeLease);
  const followUpLease = number(item?.followUpLease);
  const checkLease = number(item?.checkLease);
  return {
    status: item?.status?.S === 'closed' ? 'closed' : 'open',
    services: new Set(item?.services?.SS ?? []),
    reported: new Set(item?.reported?.SS ?? []),
    unsettled: new Set(item?.unsettled?.SS ?? []),
    checked: item?.checked?.BOOL === true,
    ...(closeLease === undefined ? {} : { closeLease }),
    ...(followUpLease === undefined ? {} : { followUpLease }),
    ...(checkLease === undefined ? {} : { checkLease }),
    ...postOf(item?.closePost, 'closePost'),
    ...postOf(item?.followUpPost, 'followUpPost'),
    ...postOf(item?.checkPost, 'checkPost'),
  };
}

function postOf(value: AttributeValue | undefined, key: PostAttribute): Partial<WaveState> {
  const post = value?.M;
  if (!post) return {};
  const parts = (post.parts?.L ?? []).map((part) => ({
    maybe: Number(part.M?.maybe?.N ?? '0'),
    delivered: part.M?.delivered?.BOOL === true,
  }));
  return { [key]: { content: JSON.parse(post.content?.S ?? '{"events":[]}') as PostContent, parts } };
}

function postValue(post: PostRecord): AttributeValue {
  return {
    M: {
      content: { S: JSON.stringify(post.content) },
      parts: {
        L: post.parts.map((part) => ({
          M: { maybe: { N: String(part.maybe) }, delivered: { BOOL: part.delivered } },
        })),
      },
    },
  };
}
