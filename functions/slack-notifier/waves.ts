// The wave model. A wave is one scheduled occurrence of one action (scale-up or scale-down at its
// configured local time on one day): every scheduled service is expected to report one UpdateService
// call for it. A call belongs to the latest occurrence of its action at or before its CloudTrail
// eventTime, within the flexible window plus Scheduler's retry age; its action comes from the desired
// count it asked for. Times are computed in the configured IANA zone with Intl (DST included).
import * as z from 'zod/mini';
import { parseTime, weekdaySet } from '../../shared/weekly-time';
import { MAX_CLOCK_SKEW_MS } from '../shared/lease';
import { wallClock, zoneAbbreviation } from '../shared/wall-clock';
import type { ScalingResult } from './cloudtrail';

export const WAVE_ACTIONS = ['scale-up', 'scale-down'] as const;
export type WaveAction = (typeof WAVE_ACTIONS)[number];

/** Scheduler fires "between hh:mm:00 and hh:mm:59": a call may be up to a minute past its window. */
const SCHEDULER_PRECISION_MS = 60_000;
/** How far back a close request looks for the wave it closes. */
const LOOKBACK_DAYS = 7;

const weeklyTime = z.object({ time: z.string(), weekdays: z.string() });

/**
 * What the function knows of the schedule and of the services each wave scales. Generated at synth
 * time from the environment config and shipped inside the function's zip (wave-manifest.json), so
 * it holds any number of services (Lambda's environment variables hold 4 KB in all).
 */
export const waveManifestSchema = z.object({
  timezone: z.string(),
  scaleUp: weeklyTime,
  scaleDown: weeklyTime,
  flexibleWindowMinutes: z.number(),
  maximumEventAgeMinutes: z.number(),
  /** Minutes after a wave's time at which its deadline closes it (slackNotifier.waveGraceMinutes). */
  waveGraceMinutes: z.number(),
  /** Minutes after the deadline at which the settle check runs (slackNotifier.settleCheckMinutes). */
  settleCheckMinutes: z.number(),
  /** The oldest a record can be when it arrives: the queue's retention, then the dead-letter queue's (redriven). */
  recordMaxAgeHours: z.number(),
  services: z.array(
    z.object({
      cluster: z.string(),
      service: z.string(),
      upCount: z.number(),
      downCount: z.number(),
      /** Must never run more than one task (seed 001): more is flagged. */
      singleton: z.optional(z.boolean()),
    }),
  ),
});

export type WaveManifest = z.infer<typeof waveManifestSchema>;
export type ExpectedService = WaveManifest['services'][number];

export const WAVE_MANIFEST_FILE = 'wave-manifest.json';

/** Key and TTL attribute names of the waves table (wave-store.ts); the stack creates it with them. */
export const WAVE_TABLE = { partitionKey: 'pk', sortKey: 'sk', ttlAttribute: 'expiresAt' } as const;

export interface Wave {
  action: WaveAction;
  /** The scheduled time (epoch ms) of this occurrence. */
  nominal: number;
}

/** `scale-up@2026-11-23T00:00:00.000Z`: the wave's identity in the table and the logs. */
export function waveId(wave: Wave): string {
  return `${wave.action}@${new Date(wave.nominal).toISOString()}`;
}

/** `cluster/service`: a service's identity (two clusters may each have a service of one name). */
export function serviceKey(service: { cluster: string; service: string }): string {
  return `${service.cluster}/${service.service}`;
}

/** Every scheduled service is scaled by both waves. */
export function expectedServices(manifest: WaveManifest): string[] {
  return manifest.services.map(serviceKey);
}

/** `Scale-up 09:00 KST, Mon 2026-11-23`. */
export function waveLabel(wave: Wave, timeZone: string): string {
  const clock = wallClock(wave.nominal, timeZone);
  const zone = zoneAbbreviation(timeZone) ?? `${clock.zoneName} (${timeZone})`;
  const day = DAY_NAMES[weekdayOf(clock.date)];
  return `${wave.action === 'scale-up' ? 'Scale-up' : 'Scale-down'} ${clock.time} ${zone}, ${day} ${clock.date}`;
}

/**
 * The wave a call belongs to, or undefined when it belongs to none (a service the config does not
 * list, a count that is neither its up nor its down count, or a time outside every window).
 */
export function waveOf(result: ScalingResult, manifest: WaveManifest): Wave | undefined {
  const service = manifest.services.find((s) => s.service === result.service && s.cluster === result.cluster);
  if (!service || result.desiredCount === undefined) return undefined;
  const at = Date.parse(result.eventTime);
  const reach = (manifest.flexibleWindowMinutes + manifest.maximumEventAgeMinutes) * 60_000 + SCHEDULER_PRECISION_MS;
  let best: Wave | undefined;
  for (const action of WAVE_ACTIONS) {
    if (result.desiredCount !== (action === 'scale-up' ? service.upCount : service.downCount)) continue;
    const nominal = latestOccurrence(manifest, action, at);
    if (nominal === undefined || at - nominal > reach) continue;
    // Up and down counts alike (a service that never changes): the nearer occurrence wins.
    if (!best || nominal > best.nominal) best = { action, nominal };
  }
  return best;
}

/** No call before this was scaled by this notifier's schedules (it did not exist yet). */
export const FIRST_DEPLOY = Date.UTC(2026, 10, 1);

/**
 * Why a call at `at` (its CloudTrail eventTime) fits no plausible wave, read at `now`; undefined when
 * it is plausible. A call of 2099 would otherwise wait for a deadline that never comes.
 */
export function implausibleEventTime(at: number, now: number, manifest: WaveManifest): string | undefined {
  if (at > now + MAX_CLOCK_SKEW_MS) return 'in the future';
  if (at < FIRST_DEPLOY) return `before this notifier existed (${new Date(FIRST_DEPLOY).toISOString().slice(0, 10)})`;
  if (at < now - manifest.recordMaxAgeHours * 3600_000) {
    return `older than the queue and its dead-letter queue keep a record (${manifest.recordMaxAgeHours} h)`;
  }
  return undefined;
}

/** The wave a close request at `at` (the deadline's scheduled time) closes: the latest occurrence. */
export function waveToClose(manifest: WaveManifest, action: WaveAction, at: number): Wave | undefined {
  const nominal = latestOccurrence(manifest, action, at);
  return nominal === undefined ? undefined : { action, nominal };
}

/** The latest scheduled time of `action` at or before `at`, within the last week. */
export function latestOccurrence(manifest: WaveManifest, action: WaveAction, at: number): number | undefined {
  const spec = action === 'scale-up' ? manifest.scaleUp : manifest.scaleDown;
  const days = weekdaySet(spec.weekdays);
  const today = wallClock(at, manifest.timezone).date;
  for (let back = 0; back <= LOOKBACK_DAYS; back++) {
    const date = addDays(today, -back);
    if (!days.has(weekdayOf(date))) continue;
    const nominal = zonedTime(date, spec.time, manifest.timezone);
    if (nominal <= at) return nominal;
  }
  return undefined;
}

/**
 * The instant a local wall-clock time occurs in `timeZone`. A time that does not exist that day (in
 * a DST gap) is read as clocks read it: shifted forward by the gap (02:30 -> 03:30).
 */
export function zonedTime(date: string, time: string, timeZone: string): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const { hour, minute } = parseTime(time);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const first = asUtc - offsetAt(asUtc, timeZone);
  // The offset at the guess can differ from the offset at the answer across a DST change.
  const second = asUtc - offsetAt(first, timeZone);
  const clock = wallClock(second, timeZone);
  return clock.date === date && clock.time === time ? second : Math.max(first, second);
}

/** Milliseconds the zone's wall clock is ahead of UTC at `at`. */
function offsetAt(at: number, timeZone: string): number {
  const clock = wallClock(at, timeZone);
  const [year, month, day] = clock.date.split('-').map(Number) as [number, number, number];
  const { hour, minute } = parseTime(clock.time);
  const local = Date.UTC(year, month - 1, day, hour, minute, Number(clock.seconds));
  return local - Math.floor(at / 1000) * 1000;
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** 0 = Sunday, as cron's day numbers. */
function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}
