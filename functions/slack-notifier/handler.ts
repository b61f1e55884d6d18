// Two events, one wave model (functions/slack-notifier/waves.ts, help/architecture.md):
//
// * An SQS batch of CloudTrail UpdateService calls. Each call is recorded in its wave (idempotent by
//   eventID); the invocation that completes a wave (every expected service reported) posts its one
//   summary. Calls that reach a wave already posted go into a follow-up; calls of no wave are posted
//   as such. Unreadable records, and records whose outcome is not settled yet (another invocation is
//   posting their wave, or Slack refused), are returned in batchItemFailures, to be received again.
// * `{"closeWave": {"action": "scale-up", "scheduledTime": "..."}}` from the wave's deadline schedule:
//   posts the wave if nobody has, naming the services that never reported. Failures throw, so Lambda
//   retries the invocation and finally keeps it in the dead-letter queue; a duplicate close that finds
//   the wave being posted waits for it and ends quietly. While paused (the rollback switch) it posts
//   nothing; a wave still open past its deadline is posted, marked late, when its records arrive. A
//   close whose scheduledTime no wave could have is refused with one log line.
// Each post is recorded part by part, each attempt counted before it is sent (wave-store.ts): a retry
// sends only the parts Slack has not taken, a copy after a maybe-post says it may repeat, and no part
// is ever sent a third time (help/architecture.md). Calls whose eventTime fits no plausible wave (the
// future, older than the queues keep, before this notifier existed) are posted as such, never filed
// silently into a wave that no deadline closes.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { deadlineOf, deliverAll, type DeliveryOutcome, type SlackHandlerDeps } from '../shared/deliver';
import { leaseLive, MAX_CLOCK_SKEW_MS } from '../shared/lease';
import { createLogger } from '../shared/logger';
import { refusalMetric } from '../shared/slack-refusal';
import { describeError } from '../shared/slack-webhook';
import { wallClock } from '../shared/wall-clock';
import { webhookUrlFromSecret } from '../shared/webhook-url';
import { readScalingResult, type ScalingResult, UnreadableRecord } from './cloudtrail';
import { type Settings, SettingsError, settingsFromEnv } from './settings';
import { summaryMessages } from './summary';
import {
  type Lease,
  POST_OF,
  type PostRecord,
  WAVE_RETENTION_DAYS,
  type WaveKey,
  type WaveState,
  WaveStore,
} from './wave-store';
import {
  type ExpectedService,
  expectedServices,
  implausibleEventTime,
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

/** How often a close that found its wave being posted checks on it. */
const HOLDER_POLL_MS = 200;

/** Said in a message of calls whose eventTime fits no plausible wave. */
export const IMPLAUSIBLE_NOTE =
  "*⚠️ Implausible time:* these calls' CloudTrail eventTime is in the future, older than the queues keep a record, or before this notifier existed: the event or a clock is wrong. Check the service's events";

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
  /** Another invocation is posting the wave and reports its own outcome. */
  held?: true;
  /** Not a close of any wave this notifier could post (the scheduledTime is implausible): why. */
  refused?: string;
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
  /** Calls whose eventTime fits no plausible wave. */
  implausible?: true;
  arrivals: Arrival[];
}

/** `held`: another invocation holds the claim, or the wave is closed already. */
type PostOutcome =
  | { status: 'posted'; reported: number; missing: number; state: WaveState }
  | { status: 'held' }
  | { status: 'failed'; reason: string };

/** Follow-ups one invocation posts for its records at most (a post in progress may not hold them). */
const MAX_FOLLOW_UPS = 3;

export function createHandler(deps: HandlerDeps = {}): SlackNotifierHandler {
  const logger = deps.logger ?? createLogger(process.env.POWERTOOLS_SERVICE_NAME || SERVICE_NAME);
  const settings = checkedSettings(deps.settings, logger);
  const manifest = deps.manifest ?? checkedManifest(logger);
  const webhookUrl = deps.webhookUrl ?? webhookUrlFromSecret();
  const onRejected = deps.onRejected ?? refusalMetric(SERVICE_NAME, settings.environment);
  const store = new WaveStore(deps.dynamodb ?? new DynamoDBClient({}), settings.tableName, settings.environment);
  const now = deps.now ?? Date.now;
  const expected = expectedServices(manifest);
  /** From when a still open wave counts as late: its deadline, plus time for the close to run first. */
  const overdueAt = (wave: Wave) => wave.nominal + (manifest.waveGraceMinutes + CLOSE_SLACK_MINUTES) * 60_000;
  const services = new Map(manifest.services.map((s) => [serviceKey(s), s]));

  /** The wave of a call; calls of no wave are gathered per local day. */
  const groupOf = (result: ScalingResult): Group => {
    const at = Date.parse(result.eventTime);
    const implausible = implausibleEventTime(at, now(), manifest);
    if (implausible) {
      // Filed under today, reported as such: a wave of 2099 would wait for a deadline that never comes.
      logger.error('Call with an implausible eventTime; posted as outside the schedule', {
        eventId: result.eventId,
        service: serviceKey(result),
        eventTime: result.eventTime,
        reason: implausible,
      });
      const today = wallClock(now(), manifest.timezone).date;
      return { key: { id: `implausible@${today}`, expiresAt: expiry(now()) }, implausible: true, arrivals: [] };
    }
    const wave = waveOf(result, manifest);
    if (wave) return waveGroup(wave, now());
    return { key: { id: `unscheduled@${wallClock(at, manifest.timezone).date}`, expiresAt: expiry(at) }, arrivals: [] };
  };

  /**
   * Claims a post, posts what the wave holds (or resumes the post in progress: the same content, only
   * the parts Slack has not taken) and marks it reported; the claim ends with the invocation.
   * `late`: the wave's deadline has passed (the summary says so).
   */
  async function post(group: Group, lease: Lease, context: Context, late = false): Promise<PostOutcome> {
    const until = now() + context.getRemainingTimeInMillis();
    const close = lease === 'closeLease';
    const claimed = close
      ? await store.claimClose(group.key, now(), until)
      : await store.claimFollowUp(group.key, now(), until);
    if (!claimed) return { status: 'held' };
    let record: PostRecord | undefined = claimed[POST_OF[lease]];
    let shown: ScalingResult[];
    let missing: ExpectedService[];
    let outcome: DeliveryOutcome;
    try {
      const all = await store.results(group.key);
      // A post in progress shows what it showed; a new follow-up, what no message has posted yet.
      const events = record ? new Set(record.content.events) : undefined;
      shown = all.filter((r) => (events ? events.has(r.eventId) : close || !claimed.reported.has(r.eventId)));
      const seen = new Set(shown.map(serviceKey));
      missing = close ? expected.filter((key) => !seen.has(key)).map((key) => services.get(key)!) : [];
      if (!close && shown.length === 0) {
        // Another follow-up posted it all.
        await releaseQuietly(group.key, lease, until, true);
        return { status: 'posted', reported: 0, missing: 0, state: claimed };
      }
      const content = record?.content ?? {
        events: shown.map((r) => r.eventId),
        ...(late ? { lateAt: now() } : {}),
      };
      const messages = summaryMessages({
        environment: settings.environment,
        timeZone: settings.timeZone,
        kind: close ? 'wave' : group.wave ? 'follow-up' : 'unscheduled',
        ...(group.wave ? { wave: waveLabel(group.wave, settings.timeZone) } : {}),
        results: shown,
        missing,
        ...(content.lateAt === undefined ? {} : { lateAt: content.lateAt }),
        ...(group.implausible ? { notes: [IMPLAUSIBLE_NOTE] } : {}),
      });
      if (!record) {
        record = { content, parts: messages.map(() => ({ maybe: 0, delivered: false })) };
        await store.startPost(group.key, lease, until, record);
      } else if (record.parts.length !== messages.length) {
        // The same content in another number of parts (the code or the services changed since): every
        // part is sent again, each counted as the most-sent part was, so none exceeds two copies.
        const most = Math.max(...record.parts.map((part) => part.maybe + (part.delivered ? 1 : 0)));
        logger.warn('Post in progress re-split into another number of parts; all its parts are sent again', {
          wave: group.key.id,
          parts: messages.length,
          before: record.parts.length,
        });
        record = { content, parts: messages.map(() => ({ maybe: most, delivered: false })) };
        await store.startPost(group.key, lease, until, record, true);
      }
      outcome = await deliverAll(messages, {
        ...deps.delivery,
        webhookUrl,
        deadline: deadlineOf(context),
        logger,
        ledger: store.ledger(group.key, lease, until, record.parts),
        onRejected,
      });
    } catch (error) {
      await releaseQuietly(group.key, lease, until, record === undefined);
      throw error;
    }
    if (!outcome.delivered) {
      // Slack did not take it all: give the claim back. The content stays fixed once any part may be in Slack.
      const nothingSent = record.parts.every((part) => part.maybe === 0 && !part.delivered);
      await releaseQuietly(group.key, lease, until, nothingSent);
      return { status: 'failed', reason: outcome.reason };
    }
    // Posted: a failure from here must not release the claim; the lease runs out with the invocation,
    // and each part's count (at least 1) makes a retry send it once more, noted, at most.
    const state = await store.finish(group.key, lease, until, record.content.events);
    logger.info(close ? 'Wave summary posted' : 'Follow-up posted', {
      wave: group.key.id,
      results: shown.length,
      missing: missing.length,
      parts: record.parts.length,
      ...(record.content.lateAt === undefined ? {} : { late: true }),
      // Copies Slack may also hold (each later one carried the "may repeat" note).
      maybePosted: record.parts.reduce((sum, part) => sum + Math.max(0, part.maybe - 1), 0),
    });
    return { status: 'posted', reported: shown.length, missing: missing.length, state };
  }

  /** A release that fails leaves the lease to run out: nothing more is lost (each attempt was counted). */
  async function releaseQuietly(key: WaveKey, lease: Lease, until: number, forget: boolean): Promise<void> {
    try {
      await store.release(key, lease, until, forget);
    } catch (error) {
      logger.warn('Claim not released; it runs out with the invocation', {
        wave: key.id,
        reason: describeError(error),
      });
    }
  }

  /** Records a group; true when its records are settled, false when they must be received again. */
  async function settle(group: Group, context: Context): Promise<boolean> {
    const results = dropRepeats(group.arrivals.map((a) => a.result));
    let state = await store.record(group.key, results, group.wave ? 'open' : 'closed');
    const log = { wave: group.key.id, events: results.length };
    if (state.status === 'open') {
      if (leaseLive(state.closeLease, now())) {
        logger.info('Wave is being posted by another invocation; its records will be checked again', log);
        return false;
      }
      // Part of a summary was sent: it is finished now, whoever comes (its content is fixed, so our
      // results may need a follow-up after it).
      const resuming = state.closePost !== undefined;
      const waiting = expected.filter((key) => !state.services.has(key)).length;
      const overdue = group.wave !== undefined && now() >= overdueAt(group.wave);
      if (!resuming && waiting > 0 && !overdue) {
        logger.info('Results recorded; the wave waits for more services', { ...log, waiting });
        return true;
      }
      if (!resuming && waiting > 0 && group.arrivals.every((a) => a.receiveCount <= 1)) {
        // Past its deadline (the notifier was paused, or the close did not run): the rest of the wave
        // is likely in the same backlog. Its records come back once, after the visibility timeout,
        // by when the other batches are recorded, so the wave gets one late summary, not several.
        logger.info('Wave is past its deadline; its records return once before the late summary', { ...log, waiting });
        return false;
      }
      const outcome = await post(group, 'closeLease', context, overdue);
      // Held: claimed by another invocation after our write, so its summary includes our results
      // (unless it resumes a summary fixed before them).
      if (outcome.status !== 'posted') return settled(outcome, !resuming);
      state = outcome.state;
    }
    // Closed: what of ours no message has posted yet goes in a follow-up.
    for (let round = 0; round < MAX_FOLLOW_UPS; round++) {
      if (results.every((r) => state.reported.has(r.eventId))) return true;
      if (leaseLive(state.followUpLease, now())) {
        logger.info('A follow-up is being posted by another invocation; these records will be checked again', log);
        return false;
      }
      // Held: another follow-up is being posted, and may or may not include ours.
      const outcome = await post(group, 'followUpLease', context);
      if (outcome.status !== 'posted') return settled(outcome, false);
      state = outcome.state;
    }
    return false;
  }

  function settled(outcome: PostOutcome, whenHeld: boolean): boolean {
    if (outcome.status === 'held') return whenHeld;
    if (outcome.status === 'failed') {
      logger.error("Summary not delivered; the wave's records return to the queue", { reason: outcome.reason });
      return false;
    }
    return true;
  }

  /**
   * Waits while another invocation holds the wave's summary: until it is posted, the claim is given
   * back or runs out, or our own time is nearly up. The state last read.
   */
  async function waitForHolder(key: WaveKey, context: Context): Promise<WaveState> {
    const stop = Math.min(deadlineOf(context) - HOLDER_POLL_MS, Date.now() + (deps.holderWaitMs ?? Infinity));
    for (;;) {
      const state = await store.state(key);
      if (state.status === 'closed' || !leaseLive(state.closeLease, now()) || Date.now() >= stop) return state;
      await new Promise((resolve) => setTimeout(resolve, HOLDER_POLL_MS));
    }
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
    const refused = wave ? implausibleClose(wave, at) : `no ${action} wave is scheduled in the week before it`;
    if (refused || !wave) {
      // Refused, not retried: Scheduler never sends such a time, so this is a hand-made request.
      logger.error('Close request refused: its scheduledTime is not that of a wave this notifier can post', {
        action,
        scheduledTime: scheduledTime ?? new Date(at).toISOString(),
        reason: refused,
      });
      return { wave: wave ? waveId(wave) : '', posted: false, refused, reported: 0, missing: 0 };
    }
    const group = waveGroup(wave, now());
    if (settings.paused) {
      // The results wait in the queue: closing now would call every service "no call seen".
      logger.warn('Notifier paused (slackNotifier.enabled is false); the wave is posted late when re-enabled', {
        wave: group.key.id,
      });
      return { wave: group.key.id, posted: false, paused: true, reported: 0, missing: 0 };
    }
    for (let round = 0; ; round++) {
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
      // Posted already (the usual case: the wave completed), or being posted right now (a duplicate).
      const state = await waitForHolder(group.key, context);
      if (state.status === 'closed') {
        logger.info('Wave already posted; nothing to close', { wave: group.key.id });
        return { wave: group.key.id, posted: false, reported: state.reported.size, missing: 0 };
      }
      if (!leaseLive(state.closeLease, now()) && round < 2) continue; // given back: post it ourselves
      if (state.closeLease !== undefined && state.closeLease >= now()) {
        // Its holder is running, and fails (to be retried) should Slack refuse: nothing is ours to report.
        logger.info('Wave is being posted by another invocation, which reports its outcome; this close ends here', {
          wave: group.key.id,
        });
        return { wave: group.key.id, posted: false, held: true, reported: 0, missing: 0 };
      }
      throw new Error(
        `wave ${group.key.id} is claimed by an invocation that seems to have stopped; the close fails so that a retry takes it over`,
      );
    }
  }

  /** Why a close at `at` cannot be a deadline of a wave this notifier may post, if it cannot. */
  function implausibleClose(wave: Wave, at: number): string | undefined {
    if (at > now() + MAX_CLOCK_SKEW_MS) return 'scheduledTime is in the future';
    const oldest = now() - WAVE_RETENTION_DAYS * 24 * 3600_000;
    if (wave.nominal < oldest) {
      return `the wave is older than ${WAVE_RETENTION_DAYS} days: its results have expired from the waves table`;
    }
    return implausibleEventTime(at, now(), manifest);
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
