// The schedule preview as a terminal table or as Markdown for help/.
import { schedulerResourceNames } from '../../shared/scheduler-names';
import { weeklyCron } from '../../shared/weekly-time';
import type { EnvironmentConfig } from '../../environments/schema';
import { zoneAbbreviation } from '../../functions/shared/wall-clock';
import type { DeadlineRun, Run } from './occurrences';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export interface SchedulePreview {
  config: EnvironmentConfig;
  from: Date;
  days: number;
  runs: Run[];
  /** The notifier's deadline runs that close each wave, and its settle checks. */
  deadlines: DeadlineRun[];
  warnings: string[];
}

const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
const plusMinutes = (d: Date, m: number) => new Date(d.getTime() + m * 60_000);
const clockOf = (d: Date) => d.toISOString().slice(11, 16);

function zoneLabel(timeZone: string): string {
  const short = zoneAbbreviation(timeZone);
  return short ? `${timeZone} (${short})` : timeZone;
}

function localWindow(run: Run): string {
  if (run.windowMinutes === 0) return `${run.localTime} exactly`;
  const [h, m] = run.localTime.split(':').map(Number);
  const end = (h! * 60 + m! + run.windowMinutes) % 1440;
  return `${run.localTime}-${String(Math.floor(end / 60)).padStart(2, '0')}:${String(end % 60).padStart(2, '0')}`;
}

function utcWindow(run: Run): string {
  return run.windowMinutes === 0
    ? `${utc(run.at)} exactly`
    : `${utc(run.at)}-${clockOf(plusMinutes(run.at, run.windowMinutes))}`;
}

function runRows(p: SchedulePreview): string[][] {
  const { services } = p.config.scheduler;
  const waves = p.runs.map((run) => {
    const counts = services.map((s) => (run.action === 'scale-up' ? s.upCount : s.downCount));
    const total = counts.reduce((a, b) => a + b, 0);
    const row = [
      `${run.localDate} ${DAYS[run.weekday]}`,
      run.action,
      localWindow(run) + (run.dstGap ? ' (DST gap: shifted)' : ''),
      utcWindow(run),
      `${services.length} services -> ${total} tasks`,
    ];
    return { at: run.at.getTime(), row };
  });
  const enabled = p.config.slackNotifier.enabled;
  const deadlines = p.deadlines.map((d) => ({
    at: d.at.getTime(),
    row: [
      `${d.wave.localDate} ${DAYS[d.wave.weekday]}`,
      `${d.action} ${d.kind}`,
      `${d.localTime} exactly`,
      `${utc(d.at)} exactly`,
      d.kind === 'deadline'
        ? enabled
          ? `closes the ${d.wave.localTime} wave: posts it if not complete or its services not settled`
          : 'paused (slackNotifier.enabled: false): posts nothing; the wave waits in the queue'
        : enabled
          ? `reads the ${d.wave.localTime} wave's services still starting: one follow-up names any not at their count`
          : 'paused (slackNotifier.enabled: false): checks nothing',
    ],
  }));
  return [...waves, ...deadlines].sort((a, b) => a.at - b.at).map((r) => r.row);
}

function serviceRows(config: EnvironmentConfig): string[][] {
  const { scheduler } = config;
  return scheduler.services.map((s) => {
    const names = schedulerResourceNames(s.resourceName, config.name);
    return [
      s.service,
      s.cluster,
      `${s.upCount}${s.singleton ? ' (singleton)' : ''}`,
      String(s.downCount),
      `${names.scaleUp} ${weeklyCron(scheduler.scaleUp)}`,
      `${names.scaleDown} ${weeklyCron(scheduler.scaleDown)}`,
    ];
  });
}

function header(p: SchedulePreview): string {
  const { scheduler, name } = p.config;
  const window =
    scheduler.flexibleWindowMinutes === 0
      ? 'exact minute (OFF)'
      : `flexible window ${scheduler.flexibleWindowMinutes} min`;
  return `Schedule of ${name}: ${scheduler.services.length} services, ${zoneLabel(scheduler.timezone)}, ${window}; ${p.days} days from ${utc(p.from)} UTC`;
}

function textTable(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

function markdownTable(head: string[], rows: string[][]): string[] {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), `|${head.map(() => '---').join('|')}|`, ...rows.map(line)];
}

const runHead = (p: SchedulePreview) => ['Date', 'Action', zoneLabel(p.config.scheduler.timezone), 'UTC', 'Services'];
const SERVICE_HEAD = ['Service', 'Cluster', 'Up', 'Down', 'Scale-up schedule', 'Scale-down schedule'];

export function renderText(p: SchedulePreview): string {
  return [
    header(p),
    ...p.warnings.map((w) => `WARNING: ${w}`),
    '',
    ...textTable(runHead(p), runRows(p)),
    '',
    ...textTable(SERVICE_HEAD, serviceRows(p.config)),
    '',
  ].join('\n');
}

export function renderMarkdown(p: SchedulePreview): string {
  return [
    `# ${header(p)}`,
    '',
    `Generated by \`npm run schedule -- ${p.config.name} --days ${p.days} --from ${p.from.toISOString().slice(0, 10)} --markdown\`.`,
    'Each schedule fires once within the window; the UTC column is the same moment.',
    ...(p.config.slackNotifier.enabled
      ? [
          "A deadline (the Slack notifier's) fires at its exact minute and closes the wave: it posts the",
          "wave's summary if the wave is not complete by then, naming the services that never reported.",
          'The summary says, per service, what ECS reports (DescribeServices): reached its desired count',
          '(running = desired, none pending), still starting (or stopping), or not reached with the newest',
          "service event or the failed deployment's reason; it is posted once every call is seen and every",
          'service has settled, else at the deadline. The settle check reads again the services the summary',
          'showed still starting; one follow-up names those that did not reach their count (help/troubleshooting.md).',
        ]
      : [
          'The Slack notifier is paused (`slackNotifier.enabled: false`): its deadlines and settle checks do not run and',
          'nothing is posted; the waves wait in the queue and are posted, marked late, once it is enabled again.',
        ]),
    '',
    ...p.warnings.map((w) => `> **Warning:** ${w}\n`),
    ...markdownTable(runHead(p), runRows(p)),
    '',
    '## Services',
    '',
    ...markdownTable(SERVICE_HEAD, serviceRows(p.config)),
    '',
  ].join('\n');
}
