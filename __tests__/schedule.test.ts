// The schedule preview: runs in the configured zone and in UTC, and the legacy's zone mistake caught.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { AnnotationMetadataEntryType } from 'cdktf';
import { loadEnvironments, parseEnvironment, type EnvironmentInput } from '../environments';
import { buildApp, createApp } from '../main';
import { dev } from '../environments/dev';
import { legacyScheduleTimes, weeklyTimeOfCron } from '../scripts/schedule/legacy';
import { upcomingDeadlines, upcomingRuns } from '../scripts/schedule/occurrences';
import { renderMarkdown } from '../scripts/schedule/render';
import { timeZoneWarnings } from '../scripts/schedule/warnings';
import { copyOf } from './support/synth';

const [devConfig] = loadEnvironments();
const MONDAY = new Date('2026-11-23T00:00:00Z');

describe('upcoming runs', () => {
  const runs = upcomingRuns(devConfig!.scheduler, MONDAY, 7);

  it('are 5 weekdays x (scale-up, scale-down), in time order', () => {
    expect(runs).toHaveLength(10);
    expect(runs.map((r) => r.at.getTime())).toEqual([...runs.map((r) => r.at.getTime())].sort((a, b) => a - b));
    expect(new Set(runs.map((r) => r.weekday))).toEqual(new Set([1, 2, 3, 4, 5]));
  });

  it('put 09:00 KST scale-ups at 00:00 UTC and 18:00 KST scale-downs at 09:00 UTC', () => {
    expect(runs[0]).toMatchObject({
      action: 'scale-up',
      localDate: '2026-11-23',
      localTime: '09:00',
      windowMinutes: 5,
    });
    expect(runs[0]!.at.toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(runs[1]!.at.toISOString()).toBe('2026-11-23T09:00:00.000Z');
  });

  it('leave out runs before the start', () => {
    const fromNoonKst = upcomingRuns(devConfig!.scheduler, new Date('2026-11-23T03:00:00Z'), 1);
    expect(fromNoonKst.map((r) => [r.action, r.at.toISOString()])).toEqual([
      ['scale-down', '2026-11-23T09:00:00.000Z'],
      ['scale-up', '2026-11-24T00:00:00.000Z'],
    ]);
  });

  it('follow daylight saving time in zones that have it', () => {
    const berlin = copyOf(dev);
    berlin.scheduler.timezone = 'Europe/Berlin';
    const scheduler = parseEnvironment(berlin).scheduler;
    const before = upcomingRuns(scheduler, new Date('2027-03-26T00:00:00Z'), 1)[0]!;
    const after = upcomingRuns(scheduler, new Date('2027-03-29T00:00:00Z'), 1)[0]!;
    expect(before.at.toISOString()).toBe('2027-03-26T08:00:00.000Z'); // CET, UTC+1
    expect(after.at.toISOString()).toBe('2027-03-29T07:00:00.000Z'); // CEST, UTC+2
  });

  it('mark a local time that a DST change skips, and run it shifted', () => {
    const berlin = copyOf(dev);
    berlin.scheduler.timezone = 'Europe/Berlin';
    berlin.scheduler.scaleUp = { time: '02:30', weekdays: '*' };
    const runs = upcomingRuns(parseEnvironment(berlin).scheduler, new Date('2027-03-27T12:00:00Z'), 2).filter(
      (r) => r.action === 'scale-up',
    );
    expect(runs.map((r) => [r.localDate, r.dstGap, r.at.toISOString()])).toEqual([
      ['2027-03-28', true, '2027-03-28T01:30:00.000Z'], // 02:30 does not exist; clocks read 03:30 CEST
      ['2027-03-29', false, '2027-03-29T00:30:00.000Z'],
    ]);
  });
});

describe('wave deadlines', () => {
  it("close each wave waveGraceMinutes (20) after it, at the exact minute, on the wave's day", () => {
    const deadlines = upcomingDeadlines(devConfig!, MONDAY, 1);
    expect(deadlines.map((d) => [d.action, d.localTime, d.at.toISOString(), d.wave.at.toISOString()])).toEqual([
      ['scale-up', '09:20', '2026-11-23T00:20:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['scale-down', '18:20', '2026-11-23T09:20:00.000Z', '2026-11-23T09:00:00.000Z'],
    ]);
  });

  it('include the deadline of a wave that began before the start', () => {
    const from0910Kst = upcomingDeadlines(devConfig!, new Date('2026-11-23T00:10:00Z'), 1);
    expect(from0910Kst[0]!.at.toISOString()).toBe('2026-11-23T00:20:00.000Z');
  });
});

describe("the legacy's schedule", () => {
  it('is read from its cron expressions: 00:00 and 09:00 in Asia/Seoul, weekdays', () => {
    expect(weeklyTimeOfCron('cron(0 0 ? * MON-FRI *)')).toEqual({ time: '00:00', weekdays: 'MON-FRI' });
    const runs = upcomingRuns(legacyScheduleTimes(), new Date('2026-11-22T12:00:00Z'), 1);
    expect(runs.map((r) => [r.action, r.at.toISOString()])).toEqual([
      ['scale-up', '2026-11-22T15:00:00.000Z'], // Monday 00:00 KST
      ['scale-down', '2026-11-23T00:00:00.000Z'], // Monday 09:00 KST
    ]);
    expect(() => weeklyTimeOfCron('rate(1 hour)')).toThrow(/not a weekly cron/);
  });
});

describe('the time-zone check', () => {
  it('is silent for 09:00 / 18:00 Asia/Seoul', () => {
    expect(timeZoneWarnings(devConfig!.scheduler, MONDAY)).toEqual([]);
  });

  it("flags the legacy's mistake: 00:00 written for a 09:00 KST scale-up", () => {
    const legacy = copyOf(dev);
    legacy.scheduler.scaleUp = { time: '00:00', weekdays: 'MON-FRI' };
    const [warning, ...rest] = timeZoneWarnings(parseEnvironment(legacy).scheduler, MONDAY);
    expect(rest).toEqual([]);
    expect(warning).toContain('scheduler.scaleUp.time "00:00" runs at 00:00 Asia/Seoul, at night');
    expect(warning).toContain('if "00:00" was meant as UTC, write "09:00"');
  });
});

describe('the time-zone check at synth', () => {
  const warningsOf = (input: EnvironmentInput) => {
    const app = buildApp(createApp(mkdtempSync(path.join(tmpdir(), 'synth-warnings-'))), [input]);
    return app.node
      .findAll()
      .flatMap((node) => node.node.metadata)
      .filter((entry) => entry.type === String(AnnotationMetadataEntryType.WARN))
      .map((entry) => String(entry.data));
  };

  it('warns once per suspicious time, as a cdktf warning that synth prints', () => {
    const legacy = copyOf(dev);
    legacy.scheduler.scaleUp = { time: '00:00', weekdays: 'MON-FRI' };
    const warnings = warningsOf(legacy);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('scheduler.scaleUp.time "00:00" runs at 00:00 Asia/Seoul, at night');
    expect(warnings[0]).toContain('if night is meant, set scheduler.nightTimesIntended: true');
  }, 60_000);

  it('is silenced by scheduler.nightTimesIntended, and silent for the shipped configs', () => {
    const night = copyOf(dev);
    night.scheduler.scaleUp = { time: '00:00', weekdays: 'MON-FRI' };
    night.scheduler.nightTimesIntended = true;
    expect(warningsOf(night)).toEqual([]);
    expect(timeZoneWarnings(parseEnvironment(night).scheduler, MONDAY)).toEqual([]);
    expect(warningsOf(dev)).toEqual([]);
  }, 60_000);
});

describe('npm run schedule', () => {
  it('lists 09:00 KST scale-ups as 00:00 UTC', async () => {
    const run = promisify(execFile);
    const { stdout } = await run(
      process.execPath,
      ['--require', 'tsx/cjs', 'scripts/schedule.ts', '--env', 'dev', '--from', '2026-11-23', '--days', '1'],
      { cwd: path.join(__dirname, '..') },
    );
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      'Schedule of dev: 20 services, Asia/Seoul (KST), flexible window 5 min; 1 days from 2026-11-23 00:00 UTC',
    );
    expect(lines.find((l) => l.includes('scale-up'))).toMatch(
      /^2026-11-23 Mon +scale-up +09:00-09:05 +2026-11-23 00:00-00:05 +20 services -> 20 tasks$/,
    );
    expect(lines.find((l) => l.includes('scale-up deadline'))).toMatch(
      /^2026-11-23 Mon +scale-up deadline +09:20 exactly +2026-11-23 00:20 exactly +closes the 09:00 wave/,
    );
    expect(lines.find((l) => l.startsWith('fileflow-scheduler-download'))).toContain('1 (singleton)');
  }, 60_000);

  it('help/schedule.md is the current Markdown rendering for dev', () => {
    const preview = {
      config: devConfig!,
      from: MONDAY,
      days: 7,
      runs: upcomingRuns(devConfig!.scheduler, MONDAY, 7),
      deadlines: upcomingDeadlines(devConfig!, MONDAY, 7),
      warnings: [],
    };
    const committed = readFileSync(path.join(__dirname, '..', 'help', 'schedule.md'), 'utf8');
    expect(committed).toBe(renderMarkdown(preview));
  });
});
