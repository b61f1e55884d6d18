// The schedule preview lists each wave's settle check after its deadline, and says how the summary
// decides whether a service started (help/troubleshooting.md, "Did the services start?").
import { parseEnvironment } from '../environments';
import { upcomingDeadlines } from '../scripts/schedule/occurrences';
import { schedulePreview } from '../scripts/schedule/preview';
import { renderMarkdown, renderText } from '../scripts/schedule/render';
import { testEnvironment } from './support/environment-builder';

/** Monday 2026-11-23 00:00 UTC (09:00 KST). */
const MONDAY = new Date('2026-11-23T00:00:00Z');
const config = parseEnvironment(
  testEnvironment({
    name: 'dev',
    scheduler: { scaleUp: { time: '09:00' }, scaleDown: { time: '18:00' } },
    slackNotifier: { waveGraceMinutes: 20, settleCheckMinutes: 15 },
  }),
);

it('runs each settle check settleCheckMinutes after its deadline, on the wave day', () => {
  const checks = upcomingDeadlines(config, MONDAY, 1, 'settle check');
  expect(checks.map((c) => [c.action, c.kind, c.localTime, c.at.toISOString()])).toEqual([
    ['scale-up', 'settle check', '09:35', '2026-11-23T00:35:00.000Z'],
    ['scale-down', 'settle check', '18:35', '2026-11-23T09:35:00.000Z'],
  ]);
});

it('shows the settle checks between the runs and says what they do', () => {
  const lines = renderText(schedulePreview(config, MONDAY, 1)).split('\n');
  const of = (what: string) => lines.filter((line) => line.includes(what));
  expect(of('scale-up settle check')).toEqual([
    expect.stringMatching(
      /^2026-11-23 Mon {2}scale-up settle check +09:35 exactly +2026-11-23 00:35 exactly +reads the 09:00 wave's services still starting: one follow-up names any not at their count$/,
    ),
  ]);
  expect(of('scale-up deadline')).toEqual([
    expect.stringMatching(/closes the 09:00 wave: posts it if not complete or its services not settled$/),
  ]);
  // In time order: the deadline, then its check.
  expect(lines.indexOf(of('scale-up deadline')[0]!)).toBeLessThan(lines.indexOf(of('scale-up settle check')[0]!));
  expect(renderMarkdown(schedulePreview(config, MONDAY, 1))).toContain(
    'reached its desired count\n(running = desired, none pending), still starting (or stopping), or not reached',
  );
});

it('says a paused notifier checks nothing', () => {
  const paused = parseEnvironment(testEnvironment({ name: 'dev', slackNotifier: { enabled: false } }));
  const checks = renderText(schedulePreview(paused, MONDAY, 1))
    .split('\n')
    .filter((line) => line.includes('settle check'));
  expect(checks).toHaveLength(2);
  for (const line of checks) expect(line).toMatch(/paused \(slackNotifier\.enabled: false\): checks nothing$/);
});
