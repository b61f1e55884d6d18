// Two events, one wave model (functions/slack-notifier/waves.ts, help/architecture.md):
//
// * An SQS batch of CloudTrail UpdateService calls. Each call is recorded in its wave (idempotent by
//   eventID); the invocation that completes a wave (every expected service reported) posts its one
//   summary. Calls that reach a wave already posted go into a follow-up; calls of no wave are posted
//   as such. Unreadable records, and records whose outcome is not settled yet (another invocation is
//   posting their wave, or Slack refused), are returned in batchItemFailures, to be received again.
// * `{"closeWave": {"action": "scale-up", "scheduledTime": "..."}}` from the wave's deadline schedule:
//   posts the wave if nobody has, naming the services that never reported. Failures throw, so Lambda
//   retries the invocation and finally keeps it in the dead-letter queue. While paused (the rollback
//   switch) it posts nothing; a wave still open past its deadline is posted, marked late, when its
//   records arrive.
// Each summary counts its maybe-posts (sent without an answer, or a claimant that stopped mid-post):
// a copy after one says it may repeat, and after two none is posted (help/architecture.md).
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { deadlineOf, deliverAll, type DeliveryOutcome, type SlackHandlerDeps } from '../shared/deliver';
import { createLogger } from '../shared/logger';
import { DELIVERY_DEFAULTS } from '../shared/slack-webhook';
import { wallClock } from '../shared/wall-clock';
import { webhookUrlFromSecret } from '../shared/webhook-url';
import { readScalingResult, type ScalingResult, UnreadableRecord } from './cloudtrail';
import { type Settings, SettingsError, settingsFromEnv } from './settings';
import { summaryMessages } from './summary';
import { type Lease, WAVE_RETENTION_DAYS, type WaveKey, WaveStore } from './wave-store';
import {
  type ExpectedService,
  expectedServices,
  serviceKey,
  type Wave,
  WAVE_ACTIONS,
  WAVE_MANIFEST_FILE,
  type WaveManifest,
  waveId,
  waveLabel,
  waveManifestSchema,
  waveOf,
  waveToClose,
} from './waves';

export const SERVICE_NAME = 'slack-notifier';

/** Minutes a wave's own deadline close (async, retried by Lambda) gets before its wave counts as late. */
export const CLOSE_SLACK_MINUTES = 5;

/** At most this many copies of one summary may reach Slack in any single fault (the 2nd says so). */
export const MAX_MAYBE_POSTS = DELIVERY_DEFAULTS.maxUnconfirmed;

export interface HandlerDeps extends SlackHandlerDeps<Settings> {
  /** Default: wave-manifest.json beside the bundled code (written at synth time). */
  manifest?: WaveManifest;
  /** Default: a client for the function's region. */
  dynamodb?: DynamoDBClient;
  /** Default: Date.now. */
  now?: () => number;
}

/** The deadline schedule's input; `scheduledTime` is Scheduler's `<aws.scheduler.scheduled-time>`. */
export const closeWaveEventSchema = z.object({
  closeWave: z.object({
    action: z.enum(WAVE_ACTIONS),
    scheduledTime: z.optional(z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value))))),
  }),
});

export type CloseWaveEvent = z.infer<typeof closeWaveEventSchema>;

export interface CloseWaveOutcome {
  wave: string;
  /** False when the wave had already been posted, or the notifier is paused. */
  posted: boolean;
  /** The rollback switch is off: nothing posted; the wave is posted, late, once its results are read. */
  paused?: true;
  reported: number;
  missing: number;
}

export interface SlackNotifierHandler {
  (event: SQSEvent, context: Context): Promise<SQSBatchResponse>;
  (event: CloseWaveEvent, context: Context): Promise<CloseWaveOutcome>;
}

/** A record read, with the SQS message that carried it (a repeat may come in another message). */
interface Arrival {
  result: ScalingResult;
  messageId: string;
  /** SQS's ApproximateReceiveCount: 1 on the first receive. */
  receiveCount: number;
}

interface Group {
  key: WaveKey;
  wave?: Wave;
  arrivals: Arrival[];
}

/** `held`: another invocation holds the claim (for a summary: it will include what we recorded). */
type PostOutcome =
  { status: 'posted'; reported: number; missing: number } | { status: 'held' } | { status: 'failed'; reason: string };

export function createHandler(deps: HandlerDeps = {}): SlackNotifierHandler {
  const logger = deps.logger ?? createLogger(process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME);
  const settings = checkedSettings(deps.settings, logger);
  const manifest = deps.manifest ?? checkedManifest(logger);
  const webhookUrl = deps.webhookUrl ?? webhookUrlFromSecret();
  const store = new WaveStore(deps.dynamodb ?? new DynamoDBClient({}), settings.tableName, settings.environment);
  const now = deps.now ?? Date.now;
  const expected = expectedServices(manifest);
  /** From when a still open wave counts as late: its deadline, plus time for the close to run first. */
  const overdueAt = (wave: Wave) => wave.nominal + (manifest.waveGraceMinutes + CLOSE_SLACK_MINUTES) * 60_000;
  const services = new Map(manifest.services.map((s) => [serviceKey(s), s]));

  /** The wave of a call; calls of no wave are gathered per local day. */
  const groupOf = (result: ScalingResult): Group => {
    const wave = waveOf(result, manifest);
    if (wave) return waveGroup(wave, now());
    const at = Date.parse(result.eventTime);
    return { key: { id: `unscheduled@${wallClock(at, manifest.timezone).date}`, expiresAt: expiry(at) }, arrivals: [] };
  };

  /**
   * Claims a post, posts what the wave holds, and marks it reported; the claim ends with the invocation.
   * `late`: the wave's deadline has passed (the summary says so).
   */
  async function post(group: Group, lease: Lease, context: Context, late = false): Promise<PostOutcome> {
    const until = now() + context.getRemainingTimeInMillis();
    const close = lease === 'closeLease';
    const claimed = close
      ? await store.claimClose(group.key, now(), until)
      : await store.claimFollowUp(group.key, now(), until);
    if (!claimed) return { status: 'held' };
    const what = close ? 'summary' : 'follow-up';
    const maybePosted = close ? claimed.closeUnconfirmed : claimed.followUpUnconfirmed;
    if (maybePosted >= MAX_MAYBE_POSTS) {
      // Slack may hold it twice already: a third copy would teach people to ignore the channel.
      await store.release(group.key, lease, until);
      return {
        status: 'failed',
        reason: `the ${what} of ${group.key.id} may already be in Slack ${maybePosted} times (sent, no answer, or its poster stopped); not posting it again: check the channel (help/troubleshooting.md)`,
      };
    }
    let results: ScalingResult[];
    let missing: ExpectedService[];
    let outcome: DeliveryOutcome | undefined;
    try {
      // A follow-up posts what no message has posted yet.
      results = (await store.results(group.key)).filter((r) => close || !claimed.reported.has(r.eventId));
      const seen = new Set(results.map(serviceKey));
      missing = close ? expected.filter((key) => !seen.has(key)).map((key) => services.get(key)!) : [];
      if (close || results.length > 0) {
        outcome = await deliverAll(
          summaryMessages({
            environment: settings.environment,
            timeZone: settings.timeZone,
            kind: close ? 'wave' : group.wave ? 'follow-up' : 'unscheduled',
            ...(group.wave ? { wave: waveLabel(group.wave, settings.timeZone) } : {}),
            results,
            missing,
            ...(late ? { lateAt: now() } : {}),
          }),
          {
            ...deps.delivery,
            webhookUrl,
            deadline: deadlineOf(context),
            logger,
            // One maybe-post in all is retried once; every copy after a maybe-post carries the note.
            maxUnconfirmed: MAX_MAYBE_POSTS - maybePosted,
            mayRepeat: maybePosted > 0,
          },
        );
      }
    } catch (error) {
      await store.release(group.key, lease, until);
      throw error;
    }
    if (!outcome?.delivered) {
      // Nothing to post (another follow-up had it all), or Slack refused: give the claim back,
      // counting the attempts Slack may have posted.
      await store.release(group.key, lease, until, outcome?.unconfirmed ?? 0);
      return outcome ? { status: 'failed', reason: outcome.reason } : { status: 'posted', reported: 0, missing: 0 };
    }
    // Posted: a failure from here must not release the claim (a retry would post at once again); the
    // lease runs out with the invocation instead.
    await store.finish(
      group.key,
      lease,
      until,
      results.map((r) => r.eventId),
    );
    logger.info(close ? 'Wave summary posted' : 'Follow-up posted', {
      wave: group.key.id,
      results: results.length,
      missing: missing.length,
      ...(late ? { late } : {}),
      // Copies Slack may also hold (each later one carried the "may repeat" note).
      maybePosted: maybePosted + outcome.posts.reduce((sum, post) => sum + (post.unconfirmed ?? 0), 0),
    });
    return { status: 'posted', reported: results.length, missing: missing.length };
  }

  /** Records a group; true when its records are settled, false when they must be received again. */
  async function settle(group: Group, context: Context): Promise<boolean> {
    const results = dropRepeats(group.arrivals.map((a) => a.result));
    const state = await store.record(group.key, results, group.wave ? 'open' : 'closed');
    const log = { wave: group.key.id, events: results.length };
    if (state.status === 'open') {
      if (leaseLive(state.closeLease, now())) {
        logger.info('Wave is being posted by another invocation; its records will be checked again', log);
        return false;
      }
      const waiting = expected.filter((key) => !state.services.has(key)).length;
      const overdue = group.wave !== undefined && now() >= overdueAt(group.wave);
      if (waiting > 0 && !overdue) {
        logger.info('Results recorded; the wave waits for more services', { ...log, waiting });
        return true;
      }
      if (waiting > 0 && group.arrivals.every((a) => a.receiveCount <= 1)) {
        // Past its deadline (the notifier was paused, or the close did not run): the rest of the wave
        // is likely in the same backlog. Its records come back once, after the visibility timeout,
        // by when the other batches are recorded, so the wave gets one late summary, not several.
        logger.info('Wave is past its deadline; its records return once before the late summary', { ...log, waiting });
        return false;
      }
      // Held: claimed by another invocation after our write, so its summary includes our results.
      return settled(await post(group, 'closeLease', context, overdue));
    }
    if (results.every((r) => state.reported.has(r.eventId))) return true;
    if (leaseLive(state.followUpLease, now())) {
      logger.info('A follow-up is being posted by another invocation; these records will be checked again', log);
      return false;
    }
    // Held: another follow-up is being posted, and may or may not include ours.
    return settled(await post(group, 'followUpLease', context), false);
  }

  function settled(outcome: PostOutcome, whenHeld = true): boolean {
    if (outcome.status === 'held') return whenHeld;
    if (outcome.status === 'failed') {
      logger.error("Summary not delivered; the wave's records return to the queue", { reason: outcome.reason });
      return false;
    }
    return true;
  }

  async function onBatch(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
    const arrivals: Arrival[] = [];
    const read = (record: SQSRecord) => {
      try {
        arrivals.push({
          result: readScalingResult(record.body),
          messageId: record.messageId,
          receiveCount: Number(record.attributes?.ApproximateReceiveCount) || 1,
        });
      } catch (error) {
        const reason = error instanceof UnreadableRecord ? error.message : `unexpected ${String(error)}`;
        logger.error('Record could not be read; it returns to the queue', { messageId: record.messageId, reason });
        throw error;
      }
    };
    const response = await processPartialResponse(event, read, new BatchProcessor(EventType.SQS), {
      context,
      throwOnFullBatchFailure: false,
    });
    const groups = new Map<string, Group>();
    for (const arrival of arrivals) {
      const found = groupOf(arrival.result);
      const group = groups.get(found.key.id) ?? found;
      group.arrivals.push(arrival);
      groups.set(group.key.id, group);
    }
    logger.info('Batch read', {
      records: event.Records.length,
      waves: [...groups.keys()],
      unreadable: response.batchItemFailures.length,
    });
    const retry: string[] = [];
    for (const group of groups.values()) {
      let settled: boolean;
      try {
        settled = await settle(group, context);
      } catch (error) {
        logger.error('Wave could not be recorded; its records return to the queue', {
          wave: group.key.id,
          reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
        settled = false;
      }
      if (!settled) retry.push(...group.arrivals.map((a) => a.messageId));
    }
    return {
      batchItemFailures: [
        ...response.batchItemFailures,
        ...[...new Set(retry)].map((itemIdentifier) => ({ itemIdentifier })),
      ],
    };
  }

  async function onClose(event: CloseWaveEvent, context: Context): Promise<CloseWaveOutcome> {
    const { action, scheduledTime } = event.closeWave;
    const at = scheduledTime === undefined ? now() : Date.parse(scheduledTime);
    const wave = waveToClose(manifest, action, at);
    if (!wave) throw new Error(`no ${action} wave is scheduled in the week before ${new Date(at).toISOString()}`);
    const group = waveGroup(wave, now());
    if (settings.paused) {
      // The results wait in the queue: closing now would call every service "no call seen".
      logger.warn('Notifier paused (slackNotifier.enabled is false); the wave is posted late when re-enabled', {
        wave: group.key.id,
      });
      return { wave: group.key.id, posted: false, paused: true, reported: 0, missing: 0 };
    }
    const outcome = await post(group, 'closeLease', context);
    if (outcome.status === 'posted') {
      return { wave: group.key.id, posted: true, reported: outcome.reported, missing: outcome.missing };
    }
    if (outcome.status === 'failed') {
      logger.error('Wave summary not delivered at the deadline; the invocation fails to be retried', {
        wave: group.key.id,
        reason: outcome.reason,
      });
      throw new Error(`wave ${group.key.id}: summary not delivered (${outcome.reason})`);
    }
    // Either posted already (the usual case: the wave completed) or being posted right now.
    const state = await store.state(group.key);
    if (state.status !== 'closed') {
      throw new Error(`wave ${group.key.id} is being posted by another invocation; retry the close to confirm it`);
    }
    logger.info('Wave already posted; nothing to close', { wave: group.key.id });
    return { wave: group.key.id, posted: false, reported: state.reported.size, missing: 0 };
  }

  return (async (event: unknown, context: Context) => {
    logger.addContext(context);
    if (Array.isArray((event as Partial<SQSEvent> | null)?.Records)) return onBatch(event as SQSEvent, context);
    const close = closeWaveEventSchema.safeParse(event);
    if (close.success) return onClose(close.data, context);
    logger.error('Unknown event: neither an SQS batch nor a close-wave request', {
      keys: typeof event === 'object' && event !== null ? Object.keys(event) : typeof event,
    });
    throw new Error(
      'unknown event: expected an SQS batch or {"closeWave": {"action": "scale-up" | "scale-down", "scheduledTime"?: ISO time}}',
    );
  }) as SlackNotifierHandler;
}

/** A wave's items live WAVE_RETENTION_DAYS from its time, or from now for a wave kept in the queue longer. */
function waveGroup(wave: Wave, now: number): Group {
  return { key: { id: waveId(wave), expiresAt: expiry(Math.max(wave.nominal, now)) }, wave, arrivals: [] };
}

function expiry(at: number): number {
  return Math.floor(at / 1000) + WAVE_RETENTION_DAYS * 24 * 3600;
}

function leaseLive(lease: number | undefined, now: number): boolean {
  return lease !== undefined && lease >= now;
}

/** Stops the cold start on bad configuration, with a log line naming the variable. */
function checkedSettings(overrides: Partial<Settings> | undefined, logger: Logger): Settings {
  try {
    return settingsFromEnv(process.env, overrides);
  } catch (error) {
    if (error instanceof SettingsError) logger.critical('Invalid configuration', { reason: error.message });
    throw error;
  }
}

/** The manifest the stack packaged beside the code; a missing or broken one stops the cold start. */
function checkedManifest(logger: Logger): WaveManifest {
  const file = path.join(__dirname, WAVE_MANIFEST_FILE);
  try {
    return waveManifestSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    const reason = `${WAVE_MANIFEST_FILE} beside the code is missing or invalid (${error instanceof Error ? error.message : String(error)}); redeploy the stack`;
    logger.critical('Invalid configuration', { reason });
    throw new SettingsError(reason);
  }
}

/** SQS delivers at least once: the same CloudTrail event may arrive twice. */
function dropRepeats(results: ScalingResult[]): ScalingResult[] {
  const byEvent = new Map<string, ScalingResult>();
  for (const result of results) if (!byEvent.has(result.eventId)) byEvent.set(result.eventId, result);
  return [...byEvent.values()];
}
