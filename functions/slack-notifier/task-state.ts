// What ECS says of a service after its scaling call, as the summary shows it: reached its desired
// count, still starting (or stopping), not reached (with ECS's own reason), or unknown (ECS could not
// be read, and why). Pure: the DescribeServices answer (AWS SDK v3 shape) in, a small record out that
// the waves table keeps with a post, so a retry shows what the first attempt showed.
import type { Service } from '@aws-sdk/client-ecs';
import { truncate } from '../shared/slack-text';

export type TaskOutcome = 'reached' | 'starting' | 'not-reached' | 'unknown';

export interface TaskState {
  outcome: TaskOutcome;
  /** ECS's desiredCount, runningCount and pendingCount when read. */
  desired?: number;
  running?: number;
  pending?: number;
  /**
   * not-reached: ECS's reason (the failed deployment's, or the newest failure event since the call);
   * starting: the newest service event since the call, if any; unknown: why ECS could not be read.
   */
  reason?: string;
}

/** A reason keeps this many characters: one line in Slack, and little room in the waves table. */
export const REASON_MAX = 200;

/** ECS events a minute older than the call still count (CloudTrail and ECS clocks differ a little). */
const EVENT_SKEW_MS = 60_000;

/** Service events that say tasks cannot start, stop or stay healthy. */
const FAILURE_EVENT =
  /unable to|unhealthy|failed|failure|error|insufficient|cannot|could not|not authorized|exceeded|timed out|impaired/i;

/** `(service api) was unable to place a task...` -> `was unable to place a task...`. */
function withoutServicePrefix(message: string): string {
  return message.replace(/^\(service [^)]*\)\s*/, '');
}

export function shortReason(text: string): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), REASON_MAX);
}

/**
 * The outcome of one service as ECS describes it. `since`: epoch ms of the scaling call; events
 * before it belong to something else.
 */
export function taskStateOf(service: Service, since: number): TaskState {
  const desired = service.desiredCount ?? 0;
  const running = service.runningCount ?? 0;
  const pending = service.pendingCount ?? 0;
  const counts = { desired, running, pending };
  if (service.status !== undefined && service.status !== 'ACTIVE') {
    return { outcome: 'not-reached', ...counts, reason: `the service is ${service.status}` };
  }
  if (running === desired && pending === 0) return { outcome: 'reached', ...counts };
  const primary = service.deployments?.find((deployment) => deployment.status === 'PRIMARY');
  if (primary?.rolloutState === 'FAILED') {
    return {
      outcome: 'not-reached',
      ...counts,
      reason: shortReason(`deployment failed: ${primary.rolloutStateReason ?? '(no reason given)'}`),
    };
  }
  // ECS lists events newest first; sorted here all the same.
  const recent = (service.events ?? [])
    .filter((event) => event.message && event.createdAt && event.createdAt.getTime() >= since - EVENT_SKEW_MS)
    .sort((a, b) => b.createdAt!.getTime() - a.createdAt!.getTime());
  const failure = recent.find((event) => FAILURE_EVENT.test(event.message!));
  if (failure)
    return { outcome: 'not-reached', ...counts, reason: shortReason(withoutServicePrefix(failure.message!)) };
  const newest = recent[0];
  return {
    outcome: 'starting',
    ...counts,
    ...(newest ? { reason: shortReason(withoutServicePrefix(newest.message!)) } : {}),
  };
}

/** A service DescribeServices did not return (its `failures`): `MISSING` and the like. */
export function missingState(reason: string | undefined, detail: string | undefined): TaskState {
  const text =
    reason === 'MISSING' ? 'the service does not exist in its cluster (MISSING)' : (reason ?? 'not returned');
  return { outcome: 'not-reached', reason: shortReason(detail ? `${text}: ${detail}` : text) };
}

/**
 * At the settle check (well after the wave), a service still starting or stopping has not reached
 * its count: it is reported as not reached, with ECS's newest event.
 */
export function afterSettleTime(state: TaskState): TaskState {
  if (state.outcome !== 'starting') return state;
  const still = (state.running ?? 0) > (state.desired ?? 0) ? 'still stopping' : 'still starting';
  return {
    ...state,
    outcome: 'not-reached',
    reason: shortReason(state.reason ? `${still}; newest ECS event: ${state.reason}` : still),
  };
}

/** Settled: nothing more to wait for (ECS could not be read: the summary does not wait for it). */
export function settled(state: TaskState | undefined): boolean {
  return state === undefined || state.outcome !== 'starting';
}
