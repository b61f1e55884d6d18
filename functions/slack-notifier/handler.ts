// Three events, one wave model (functions/slack-notifier/waves.ts, help/architecture.md):
//
// * An SQS batch of CloudTrail UpdateService calls. Each call is recorded in its wave (idempotent by
//   eventID); the invocation that completes a wave (every expected service reported) reads the
//   services' tasks from ECS (ecs-reader.ts) and posts its one summary once they have settled (it
//   polls while it has time; else the deadline posts it). Calls that reach a wave already posted go into a follow-up; calls of no wave are posted
//   as such. Unreadable records, and records whose outcome is not settled yet (another invocation is
//   posting their wave, or Slack refused), are returned in batchItemFailures, to be received again.
// * `{"closeWave": {"action": "scale-up", "scheduledTime": "..."}}` from the wave's deadline schedule:
//   posts the wave if nobody has, naming the services that never reported. Failures throw, so Lambda
//   retries the invocation and finally keeps it in the dead-letter queue; a duplicate close that finds
//   the wave being posted waits for it and ends quietly. While paused (the rollback switch) it posts
//   nothing; a wave still open past its deadline is posted, marked late, when its records arrive. A
//   close whose scheduledTime no wave could have is refused with one log line. Services still
//   starting are shown so.
// * `{"checkWave": {...}}` from the settle check schedule (after the deadline): reads again the
//   services a post showed still starting, and posts one follow-up naming those that did not reach
//   their count (nothing if all did).
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
import { webhookUrlFromSecret } from '../shared/webhook-url';
import type { SlackMessage } from '../shared/slack-webhook';
import { wallClock, zoneAbbreviation } from '../shared/wall-clock';
import { readScalingResult, type ScalingResult, UnreadableRecord } from './cloudtrail';
import {
  defaultEcsClient,
  ECS_READ_BUDGET_MS,
  type EcsDescribe,
  readTaskStates,
  type ServiceQuery,
} from './ecs-reader';
import { type Settings, SettingsError, settingsFromEnv } from './settings';
import { summaryMessages } from './summary';
import { afterSettleTime, settled as isSettled, type TaskState } from './task-state';
import {
  type Lease,
  POST_OF,
  type PostContent,
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
  /** Default: a client for the function's region (AWS_ENDPOINT_URL_ECS points it elsewhere). */
  ecs?: EcsDescribe;
  /** How a summary waits for its services to settle (defaults: SETTLE_DEFAULTS). */
  settle?: Partial<SettleOptions>;
}

export interface SettleOptions {
  /** The longest a summary whose calls are all seen waits, polling ECS, for its services to settle. */
  waitMs: number;
  /** Between two reads of the services still starting. */
  pollMs: number;
  /** Time kept back from the invocation for posting after the wait. */
  reserveMs: number;
  /** The longest one read of the wave's services may take (ecs-reader.ts). */
  readBudgetMs: number;
}

export const SETTLE_DEFAULTS: SettleOptions = {
  waitMs: 30_000,
  pollMs: 5_000,
  reserveMs: 20_000,
  readBudgetMs: ECS_READ_BUDGET_MS,
};

/** The deadline schedule's input; `scheduledTime` is Scheduler's `<aws.scheduler.scheduled-time>`. */
export const closeWaveEventSchema = z.object({
  closeWave: z.object({
    action: z.enum(WAVE_ACTIONS),
    scheduledTime: z.optional(z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value))))),
  }),
});

export type CloseWaveEvent = z.infer<typeof closeWaveEventSchema>;

/** The settle check schedule's input: the same fields, another key. */
export const checkWaveEventSchema = z.object({
  checkWave: z.object({
    action: z.enum(WAVE_ACTIONS),
    scheduledTime: z.optional(z.string().check(z.refine((value) => !Number.isNaN(Date.parse(value))))),
  }),
});

export type CheckWaveEvent = z.infer<typeof checkWaveEventSchema>;

export interface CheckWaveOutcome {
  wave: string;
  /** True when the check ran (now or before): nothing more to check. */
  checked: boolean;
  /** Services the follow-up named as not reached (0: nothing posted). */
  notReached: number;
  /** The wave was not posted yet (its summary is final when it comes). */
  notPosted?: true;
  paused?: true;
  held?: true;
  refused?: string;
}

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
  (event: CheckWaveEvent, context: Context): Promise<CheckWaveOutcome>;
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

/**
 * `held`: another invocation holds the claim, or the wave is closed already; `waiting`: the calls are
 * all seen but some services are still starting, so the wave waits for its deadline.
 */
type PostOutcome =
  | { status: 'posted'; reported: number; missing: number; state: WaveState }
  | { status: 'held' }
  | { status: 'waiting'; starting: number }
  | { status: 'failed'; reason: string };

interface SendOutcome {
  record: PostRecord;
  outcome: DeliveryOutcome;
}

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
  /** When the wave's deadline schedule closes it. */
  const deadlineAt = (wave: Wave) => wave.nominal + manifest.waveGraceMinutes * 60_000;
  const services = new Map(manifest.services.map((s) => [serviceKey(s), s]));
  const singletons = manifest.services.filter((s) => s.singleton).map(serviceKey);
  const settleOptions: SettleOptions = { ...SETTLE_DEFAULTS, ...deps.settle };
  let ecsClient = deps.ecs;
  /** Made when first needed: a batch that posts nothing never builds it. */
  const ecs = () => (ecsClient ??= defaultEcsClient());

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
   * `late`: the wave's deadline has passed (the summary says so). `early`: the wave's calls are all
   * seen before its deadline; the summary waits (polling ECS while the invocation has time) for its
   * services to settle, else leaves the wave to its deadline ('waiting').
   */
  async function post(
    group: Group,
    lease: Lease,
    context: Context,
    options: { late?: boolean; early?: boolean } = {},
  ): Promise<PostOutcome> {
    const until = now() + context.getRemainingTimeInMillis();
    const close = lease === 'closeLease';
    const claimed = close
      ? await store.claimClose(group.key, now(), until)
      : await store.claimFollowUp(group.key, now(), until);
    if (!claimed) return { status: 'held' };
    let record: PostRecord | undefined = claimed[POST_OF[lease]];
    let shown: ScalingResult[];
    let missing: ExpectedService[];
    let sent: SendOutcome;
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
      let tasks = record?.content.tasks;
      if (!record && group.wave) {
        const queries = serviceQueries(shown);
        tasks = Object.fromEntries(await readStates(queries));
        if (options.early) {
          tasks = await awaitSettled(queries, tasks, context);
          const starting = Object.entries(tasks).filter(([key, state]) => waitsFor(key, state)).length;
          if (starting > 0) {
            await releaseQuietly(group.key, lease, until, true);
            return { status: 'waiting', starting };
          }
        }
      }
      const content: PostContent = record?.content ?? {
        events: shown.map((r) => r.eventId),
        ...(options.late ? { lateAt: now() } : {}),
        ...(tasks && Object.keys(tasks).length > 0 ? { tasks } : {}),
      };
      const messages = summaryMessages({
        environment: settings.environment,
        timeZone: settings.timeZone,
        kind: close ? 'wave' : group.wave ? 'follow-up' : 'unscheduled',
        ...(group.wave ? { wave: waveLabel(group.wave, settings.timeZone) } : {}),
        ...(group.wave && now() < checkAt(group.wave) ? { checkAt: checkTime(group.wave) } : {}),
        results: shown,
        missing,
        ...(content.lateAt === undefined ? {} : { lateAt: content.lateAt }),
        ...(group.implausible ? { notes: [IMPLAUSIBLE_NOTE] } : {}),
        ...(content.tasks ? { tasks: content.tasks, singletons } : {}),
      });
      sent = await send(group.key, lease, until, record, content, messages, context);
      record = sent.record;
    } catch (error) {
      await releaseQuietly(group.key, lease, until, record === undefined);
      throw error;
    }
    if (!sent.outcome.delivered) return { status: 'failed', reason: sent.outcome.reason };
    // Posted: a failure from here must not release the claim; the lease runs out with the invocation,
    // and each part's count (at least 1) makes a retry send it once more, noted, at most.
    const unsettled = Object.entries(record.content.tasks ?? {})
      .filter(([, state]) => state.outcome === 'starting' || state.outcome === 'unknown')
      .map(([key]) => key);
    const state = await store.finish(group.key, lease, until, record.content.events, unsettled);
    logger.info(close ? 'Wave summary posted' : 'Follow-up posted', {
      wave: group.key.id,
      results: shown.length,
      missing: missing.length,
      parts: record.parts.length,
      ...(unsettled.length > 0 ? { unsettled: unsettled.length } : {}),
      ...(record.content.lateAt === undefined ? {} : { late: true }),
      // Copies Slack may also hold (each later one carried the "may repeat" note).
      maybePosted: record.parts.reduce((sum, part) => sum + Math.max(0, part.maybe - 1), 0),
    });
    return { status: 'posted', reported: shown.length, missing: missing.length, state };
  }

  /**
   * Records what a post says (or re-splits a post in progress) and delivers its parts under the
   * claim, each attempt counted first. An undelivered post gives the claim back; its content stays
   * fixed once any part may be in Slack.
   */
  async function send(
    key: WaveKey,
    lease: Lease,
    until: number,
    existing: PostRecord | undefined,
    content: PostContent,
    messages: SlackMessage[],
    context: Context,
  ): Promise<SendOutcome> {
    let record = existing;
    if (!record) {
      record = { content, parts: messages.map(() => ({ maybe: 0, delivered: false })) };
      await store.startPost(key, lease, until, record);
    } else if (record.parts.length !== messages.length) {
      // The same content in another number of parts (the code or the services changed since): every
      // part is sent again, each counted as the most-sent part was, so none exceeds two copies.
      const most = Math.max(...record.parts.map((part) => part.maybe + (part.delivered ? 1 : 0)));
      logger.warn('Post in progress re-split into another number of parts; all its parts are sent again', {
        wave: key.id,
        parts: messages.length,
        before: record.parts.length,
      });
      record = { content, parts: messages.map(() => ({ maybe: most, delivered: false })) };
      await store.startPost(key, lease, until, record, true);
    }
    const outcome = await deliverAll(messages, {
      ...deps.delivery,
      webhookUrl,
      deadline: deadlineOf(context),
      logger,
      ledger: store.ledger(key, lease, until, record.parts),
      onRejected,
    });
    if (!outcome.delivered) {
      const nothingSent = record.parts.every((part) => part.maybe === 0 && !part.delivered);
      await releaseQuietly(key, lease, until, nothingSent);
    }
    return { record, outcome };
  }

  /** Per service of these results with a successful call, what to ask ECS (services of the config only). */
  function serviceQueries(results: ScalingResult[]): ServiceQuery[] {
    const latest = new Map<string, ServiceQuery>();
    for (const r of results) {
      const key = serviceKey(r);
      if (!r.succeeded || !services.has(key)) continue;
      const since = Date.parse(r.eventTime);
      if ((latest.get(key)?.since ?? -Infinity) < since)
        latest.set(key, { cluster: r.cluster, service: r.service, since });
    }
    return [...latest.values()];
  }

  async function readStates(queries: ServiceQuery[]): Promise<Map<string, TaskState>> {
    if (queries.length === 0) return new Map();
    const states = await readTaskStates(ecs(), queries, settleOptions.readBudgetMs);
    const unknown = [...states.values()].filter((state) => state.outcome === 'unknown');
    if (unknown.length > 0) {
      logger.warn('ECS could not be read for some services; the summary says their state is unknown', {
        services: unknown.length,
        reason: unknown[0]!.reason,
      });
    }
    return states;
  }

  /** Polls ECS for the services still starting, while this invocation has time to spare. */
  async function awaitSettled(
    queries: ServiceQuery[],
    first: Record<string, TaskState>,
    context: Context,
  ): Promise<Record<string, TaskState>> {
    const tasks = { ...first };
    const stopAt = Math.min(Date.now() + settleOptions.waitMs, deadlineOf(context) - settleOptions.reserveMs);
    for (;;) {
      const pending = queries.filter((query) => waitsFor(serviceKey(query), tasks[serviceKey(query)]));
      if (pending.length === 0 || Date.now() + settleOptions.pollMs >= stopAt) return tasks;
      await new Promise((resolve) => setTimeout(resolve, settleOptions.pollMs));
      for (const [key, state] of await readStates(pending)) tasks[key] = state;
    }
  }

  /**
   * Whether the summary waits for this service: it is still starting or stopping, unless it is a
   * singleton running more than one task, which is flagged at once (and checked again later).
   */
  function waitsFor(key: string, state: TaskState | undefined): boolean {
    if (isSettled(state)) return false;
    return !(singletons.includes(key) && (state?.running ?? 0) > 1);
  }

  /** When a wave's settle check runs (epoch ms). */
  function checkAt(wave: Wave): number {
    return wave.nominal + (manifest.waveGraceMinutes + manifest.settleCheckMinutes) * 60_000;
  }

  /** `09:35 KST`: when a wave's settle check runs, as people read it. */
  function checkTime(wave: Wave): string {
    const clock = wallClock(checkAt(wave), settings.timeZone);
    return `${clock.time} ${zoneAbbreviation(settings.timeZone) ?? clock.zoneName}`;
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
      // Before the deadline the summary waits for the services to settle (help/architecture.md).
      const early = group.wave !== undefined && now() < deadlineAt(group.wave);
      const outcome = await post(group, 'closeLease', context, { late: overdue, early });
      if (outcome.status === 'waiting') {
        logger.info(
          'Calls all seen; services still starting, so the wave is posted when they settle or at its deadline',
          {
            ...log,
            starting: outcome.starting,
          },
        );
        return true;
      }
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
    if (outcome.status === 'waiting') return true;
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

  /**
   * The settle check: reads once more the services a post of the wave showed still starting or
   * stopping (or could not read), and posts one follow-up naming those that did not reach their
   * count. Services that settled cause nothing; one still unreadable is logged, not posted. Done once
   * per wave (a claim and a `checked` mark); a follow-up Slack refused fails the invocation, to be
   * retried, like a close.
   */
  async function onCheck(event: CheckWaveEvent, context: Context): Promise<CheckWaveOutcome> {
    const { action, scheduledTime } = event.checkWave;
    const at = scheduledTime === undefined ? now() : Date.parse(scheduledTime);
    const wave = waveToClose(manifest, action, at);
    const refused = wave ? implausibleClose(wave, at) : `no ${action} wave is scheduled in the week before it`;
    if (refused || !wave) {
      logger.error('Settle check refused: its scheduledTime is not that of a wave this notifier can check', {
        action,
        scheduledTime: scheduledTime ?? new Date(at).toISOString(),
        reason: refused,
      });
      return { wave: wave ? waveId(wave) : '', checked: false, notReached: 0, refused };
    }
    const group = waveGroup(wave, now());
    const id = group.key.id;
    if (settings.paused) {
      logger.warn('Notifier paused (slackNotifier.enabled is false); the settle check does nothing', { wave: id });
      return { wave: id, checked: false, notReached: 0, paused: true };
    }
    const until = now() + context.getRemainingTimeInMillis();
    const claimed = await store.claimCheck(group.key, now(), until);
    if (!claimed) {
      const state = await store.state(group.key);
      if (state.status === 'open') {
        logger.warn('Settle check: the wave was not posted yet; its summary, when it comes, is final', { wave: id });
        return { wave: id, checked: false, notReached: 0, notPosted: true };
      }
      if (state.checked) {
        logger.info('Settle check already done', { wave: id });
        return { wave: id, checked: true, notReached: 0 };
      }
      logger.info('Settle check held by another invocation, which reports its outcome', { wave: id });
      return { wave: id, checked: false, notReached: 0, held: true };
    }
    const record = claimed.checkPost;
    let sent: SendOutcome;
    let shown: ScalingResult[];
    try {
      const all = await store.results(group.key);
      let content = record?.content;
      if (!content) {
        const unsettled = new Set([...claimed.unsettled].filter((key) => services.has(key)));
        const queries = serviceQueries(all.filter((r) => unsettled.has(serviceKey(r))));
        const states = new Map([...(await readStates(queries))].map(([key, state]) => [key, afterSettleTime(state)]));
        const outcomeOf = (query: ServiceQuery) => states.get(serviceKey(query))?.outcome;
        const unknown = queries.filter((query) => outcomeOf(query) === 'unknown');
        if (unknown.length > 0) {
          logger.warn('Settle check: ECS could not be read for some services; nothing is posted for them', {
            wave: id,
            services: unknown.map(serviceKey),
            reason: states.get(serviceKey(unknown[0]!))?.reason,
          });
        }
        const failing = queries.filter((query) => outcomeOf(query) === 'not-reached');
        if (failing.length === 0) {
          await store.finish(group.key, 'checkLease', until, []);
          logger.info('Settle check: every service checked settled; nothing to post', {
            wave: id,
            checked: queries.length,
          });
          return { wave: id, checked: true, notReached: 0 };
        }
        // Each failing service with its latest call, as the summary showed it.
        const latest = new Map<string, ScalingResult>();
        for (const r of all) {
          if (r.succeeded && (latest.get(serviceKey(r))?.eventTime ?? '') < r.eventTime) latest.set(serviceKey(r), r);
        }
        content = {
          events: failing.map((query) => latest.get(serviceKey(query))!.eventId),
          tasks: Object.fromEntries(failing.map((query) => [serviceKey(query), states.get(serviceKey(query))!])),
        };
      }
      const events = new Set(content.events);
      shown = all.filter((r) => events.has(r.eventId));
      sent = await send(group.key, 'checkLease', until, record, content, checkMessages(wave, shown, content), context);
    } catch (error) {
      await releaseQuietly(group.key, 'checkLease', until, record === undefined);
      throw error;
    }
    if (!sent.outcome.delivered) {
      const reason = sent.outcome.reason;
      logger.error('Settle check follow-up not delivered; the invocation fails to be retried', { wave: id, reason });
      throw new Error(`wave ${id}: settle check follow-up not delivered (${reason})`);
    }
    await store.finish(group.key, 'checkLease', until, []);
    logger.info('Settle check follow-up posted', { wave: id, notReached: shown.length });
    return { wave: id, checked: true, notReached: shown.length };
  }

  function checkMessages(wave: Wave, shown: ScalingResult[], content: PostContent): SlackMessage[] {
    return summaryMessages({
      environment: settings.environment,
      timeZone: settings.timeZone,
      kind: 'check',
      wave: waveLabel(wave, settings.timeZone),
      results: shown,
      tasks: content.tasks ?? {},
      singletons,
    });
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
    const check = checkWaveEventSchema.safeParse(event);
    if (check.success) return onCheck(check.data, context);
    logger.error('Unknown event: neither an SQS batch nor a close-wave or check-wave request', {
      keys: typeof event === 'object' && event !== null ? Object.keys(event) : typeof event,
    });
    throw new Error(
      'unknown event: expected an SQS batch or {"closeWave": {"action": "scale-up" | "scale-down", "scheduledTime"?: ISO time}} (or "checkWave" with the same fields)',
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
