// Which wave a call belongs to: the configured schedule in its own time zone (Intl), the call's
// CloudTrail time and the desired count it asked for.
import type { EnvironmentInput } from '../environments';
import type { ScalingResult } from '../functions/slack-notifier/cloudtrail';
import { latestOccurrence, waveId, waveLabel, waveOf, waveToClose, zonedTime } from '../functions/slack-notifier/waves';
import { CLUSTER, manifestFor } from './support/waves';

/** Scheduler retries for 60 min (the deadline 65 min after the wave, so the config rules accept it). */
const hourOfRetries = (env: EnvironmentInput) => {
  env.scheduler.retry = { maximumEventAgeMinutes: 60, maximumRetryAttempts: 10 };
  env.slackNotifier.waveGraceMinutes = 65;
};
const seoul = manifestFor(['nestjs', 'steady'], (env) => {
  const steady = env.scheduler.services.find((s) => s.service === 'steady')!;
  Object.assign(steady, { upCount: 2, downCount: 2 });
  hourOfRetries(env);
});
const newYork = manifestFor(['nestjs'], (env) => {
  env.scheduler.timezone = 'America/New_York';
  hourOfRetries(env);
});

function call(eventTime: string, overrides: Partial<ScalingResult> = {}): ScalingResult {
  return {
    eventId: 'e1',
    service: 'nestjs',
    cluster: CLUSTER,
    desiredCount: 1,
    action: 'Scale Up',
    succeeded: true,
    eventTime,
    ...overrides,
  };
}

const idOf = (result: ScalingResult, manifest = seoul) => {
  const wave = waveOf(result, manifest);
  return wave && waveId(wave);
};

describe('local wall-clock times as instants', () => {
  it.each([
    ['Asia/Seoul', '2026-11-23', '09:00', '2026-11-23T00:00:00.000Z'],
    ['Asia/Seoul', '2026-11-23', '00:10', '2026-11-22T15:10:00.000Z'],
    ['America/New_York', '2026-03-06', '09:00', '2026-03-06T14:00:00.000Z'], // EST, before the change
    ['America/New_York', '2026-03-09', '09:00', '2026-03-09T13:00:00.000Z'], // EDT, after 2026-03-08
    ['America/New_York', '2026-03-08', '09:00', '2026-03-08T13:00:00.000Z'], // the day of the change
    ['America/New_York', '2026-11-02', '09:00', '2026-11-02T14:00:00.000Z'], // EST again
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T07:30:00.000Z'], // in the gap: 03:30 EDT
    ['Europe/Berlin', '2026-10-25', '18:00', '2026-10-25T17:00:00.000Z'], // CET from that morning
  ])('%s %s %s -> %s', (zone, date, time, iso) => {
    expect(new Date(zonedTime(date, time, zone)).toISOString()).toBe(iso);
  });
});

describe('the wave of a call', () => {
  it.each([
    ['at the scheduled minute', '2026-11-23T00:00:00Z', 'scale-up@2026-11-23T00:00:00.000Z'],
    ['within the flexible window', '2026-11-23T00:04:59Z', 'scale-up@2026-11-23T00:00:00.000Z'],
    ['on a retry 60 min later', '2026-11-23T01:05:30Z', 'scale-up@2026-11-23T00:00:00.000Z'],
    ['past retries and window', '2026-11-23T01:06:01Z', undefined],
    ['a minute before the wave', '2026-11-22T23:59:00Z', undefined],
    ['on a Saturday', '2026-11-28T00:01:00Z', undefined],
  ])('%s', (_, eventTime, expected) => {
    expect(idOf(call(eventTime))).toBe(expected);
  });

  it('takes the action from the desired count, not from the time', () => {
    // 18:02 KST asking for the up count: no scale-up wave is that recent.
    expect(idOf(call('2026-11-23T09:02:00Z'))).toBeUndefined();
    expect(idOf(call('2026-11-23T09:02:00Z', { desiredCount: 0 }))).toBe('scale-down@2026-11-23T09:00:00.000Z');
    expect(idOf(call('2026-11-23T00:02:00Z', { desiredCount: 0 }))).toBeUndefined();
  });

  it('takes the nearer wave when the up and down counts are the same', () => {
    const steady = (eventTime: string) => call(eventTime, { service: 'steady', desiredCount: 2 });
    expect(idOf(steady('2026-11-23T00:03:00Z'))).toBe('scale-up@2026-11-23T00:00:00.000Z');
    expect(idOf(steady('2026-11-23T09:03:00Z'))).toBe('scale-down@2026-11-23T09:00:00.000Z');
  });

  it('belongs to no wave for a service or cluster the config does not list, or a call without a count', () => {
    expect(idOf(call('2026-11-23T00:01:00Z', { service: 'legacy-batch' }))).toBeUndefined();
    expect(idOf(call('2026-11-23T00:01:00Z', { cluster: 'other-cluster' }))).toBeUndefined();
    const { desiredCount: _, ...noCount } = call('2026-11-23T00:01:00Z');
    expect(idOf(noCount)).toBeUndefined();
  });

  it('follows daylight saving time in a DST zone', () => {
    expect(idOf(call('2026-03-06T14:03:00Z'), newYork)).toBe('scale-up@2026-03-06T14:00:00.000Z');
    expect(idOf(call('2026-03-09T13:03:00Z'), newYork)).toBe('scale-up@2026-03-09T13:00:00.000Z');
    // 09:03 EST-thinking on the first EDT Monday is 10:03 EDT: a late retry of that wave.
    expect(idOf(call('2026-03-09T14:03:00Z'), newYork)).toBe('scale-up@2026-03-09T13:00:00.000Z');
  });
});

describe('the wave a deadline closes', () => {
  it('is the latest occurrence of its action at or before the scheduled time', () => {
    const at = (iso: string) => waveToClose(seoul, 'scale-up', Date.parse(iso));
    expect(waveId(at('2026-11-23T00:20:00Z')!)).toBe('scale-up@2026-11-23T00:00:00.000Z');
    // Saturday: Friday's wave.
    expect(waveId(at('2026-11-28T05:00:00Z')!)).toBe('scale-up@2026-11-27T00:00:00.000Z');
  });

  it('looks back up to a week, to the last scheduled day', () => {
    const never = manifestFor(['nestjs'], (env) => {
      env.scheduler.scaleUp = { time: '09:00', weekdays: 'SUN' };
    });
    expect(latestOccurrence(never, 'scale-up', Date.parse('2026-11-22T00:00:00Z'))).toBe(
      Date.parse('2026-11-22T00:00:00Z'),
    );
    expect(latestOccurrence(never, 'scale-up', Date.parse('2026-11-21T23:59:00Z'))).toBe(
      Date.parse('2026-11-15T00:00:00Z'),
    );
  });
});

describe('the wave as people read it', () => {
  it.each([
    ['Asia/Seoul', 'Scale-up 09:00 KST, Mon 2026-11-23'],
    ['America/New_York', 'Scale-up 19:00 EST (America/New_York), Sun 2026-11-22'],
  ])('in %s', (zone, label) => {
    expect(waveLabel({ action: 'scale-up', nominal: Date.parse('2026-11-23T00:00:00Z') }, zone)).toBe(label);
  });
});
