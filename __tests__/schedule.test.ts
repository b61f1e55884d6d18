// The schedule preview: runs in the configured zone and in UTC, and the legacy's zone mistake caught.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { AnnotationMetadataEntryType } from 'cdktf';
import { parseEnvironment, type EnvironmentInput } from '../environments';
import { buildApp, createApp } from '../main';
import { legacyScheduleTimes, weeklyTimeOfCron } from '../scripts/schedule/legacy';
import { upcomingDeadlines, upcomingRuns } from '../scripts/schedule/occurrences';
import { schedulePreview } from '../scripts/schedule/preview';
import { renderMarkdown, renderText } from '../scripts/schedule/render';
import { timeZoneWarnings } from '../scripts/schedule/warnings';
import { testEnvironment, testServices } from './support/environment-builder';
import { projectCopy } from './support/project-copy';
import { describeProcess } from './support/tiers';

/** Scale-up 09:00, scale-down 18:00 KST on weekdays, 5-minute window, waves closed 20 minutes later. */
const dev = testEnvironment({
  name: 'dev',
  scheduler: { scaleUp: { time: '09:00' }, scaleDown: { time: '18:00' } },
  slackNotifier: { waveGraceMinutes: 20 },
});
const devConfig = parseEnvironment(dev);
const copyOf = (input: EnvironmentInput): EnvironmentInput => structuredClone(input);
const MONDAY = new Date('2026-11-23T00:00:00Z');

describe('upcoming runs', () => {
  const runs = upcomingRuns(devConfig.scheduler, MONDAY, 7);

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
    const fromNoonKst = upcomingRuns(devConfig.scheduler, new Date('2026-11-23T03:00:00Z'), 1);
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
    const deadlines = upcomingDeadlines(devConfig, MONDAY, 1);
    expect(deadlines.map((d) => [d.action, d.localTime, d.at.toISOString(), d.wave.at.toISOString()])).toEqual([
      ['scale-up', '09:20', '2026-11-23T00:20:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['scale-down', '18:20', '2026-11-23T09:20:00.000Z', '2026-11-23T09:00:00.000Z'],
    ]);
  });

  it('include the deadline of a wave that began before the start', () => {
    const from0910Kst = upcomingDeadlines(devConfig, new Date('2026-11-23T00:10:00Z'), 1);
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
    expect(timeZoneWarnings(devConfig.scheduler, MONDAY)).toEqual([]);
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

  it('is silenced by scheduler.nightTimesIntended, and silent for day times (09:00 / 18:00 KST)', () => {
    const night = copyOf(dev);
    night.scheduler.scaleUp = { time: '00:00', weekdays: 'MON-FRI' };
    night.scheduler.nightTimesIntended = true;
    expect(warningsOf(night)).toEqual([]);
    expect(timeZoneWarnings(parseEnvironment(night).scheduler, MONDAY)).toEqual([]);
    expect(warningsOf(dev)).toEqual([]);
  }, 60_000);
});

describe('the rendered preview', () => {
  it('says a paused notifier posts nothing at its deadlines', () => {
    const paused = parseEnvironment(testEnvironment({ name: 'dev', slackNotifier: { enabled: false } }));
    const text = renderText(schedulePreview(paused, MONDAY, 1));
    const deadlines = text.split('\n').filter((l) => l.includes('deadline'));
    expect(deadlines).toHaveLength(2);
    for (const line of deadlines) {
      expect(line).toMatch(/paused \(slackNotifier\.enabled: false\): posts nothing; the wave waits in the queue$/);
    }
    expect(renderMarkdown(schedulePreview(paused, MONDAY, 1))).toContain('The Slack notifier is paused');
    expect(renderText(schedulePreview(devConfig, MONDAY, 1))).toContain(
      'closes the 09:00 wave: posts it if not complete',
    );
  });
});

describeProcess('npm run schedule', () => {
  const run = promisify(execFile);
  let copy: string;
  beforeAll(() => {
    const stg = testEnvironment({ name: 'stg', scheduler: { services: testServices('stg') } });
    copy = projectCopy({ dev, stg });
  });
  const schedule = (...args: string[]) =>
    run(process.execPath, ['--require', 'tsx/cjs', 'scripts/schedule.ts', ...args], { cwd: copy }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('lists 09:00 KST scale-ups as 00:00 UTC, for the environment named', async () => {
    const { stdout, stderr } = await schedule('dev', '--from', '2026-11-23', '--days', '1');
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(
      'Schedule of dev: 3 services, Asia/Seoul (KST), flexible window 5 min; 1 days from 2026-11-23 00:00 UTC',
    );
    expect(lines.find((l) => l.includes('scale-up'))).toMatch(
      /^2026-11-23 Mon +scale-up +09:00-09:05 +2026-11-23 00:00-00:05 +3 services -> 3 tasks$/,
    );
    expect(lines.find((l) => l.includes('scale-up deadline'))).toMatch(
      /^2026-11-23 Mon +scale-up deadline +09:20 exactly +2026-11-23 00:20 exactly +closes the 09:00 wave/,
    );
    expect(lines.find((l) => l.startsWith('batch-job'))).toContain('1 (singleton)');
  }, 60_000);

  it('still takes the old --env spelling, with a one-line notice', async () => {
    const { stdout, stderr } = await schedule('--env', 'stg', '--from', '2026-11-23', '--days', '1');
    expect(stdout.split('\n')[0]).toMatch(/^Schedule of stg: /);
    expect(stderr).toBe('schedule: --env stg still works; the one way now is `npm run schedule -- stg`\n');
  }, 60_000);

  it('names the environments when given an unknown one', async () => {
    const { code, stderr } = await schedule('prod');
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe('schedule: no environment "prod"; the environments are dev, stg');
  }, 60_000);
});
