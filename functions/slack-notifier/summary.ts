// Scaling results -> the Slack message of a wave (seed 000): title, environment, the wave, time range
// of the calls in the configured zone, a Service | Action | Status table, totals, failure details and
// the services that never reported. With the tasks ECS reported (task-state.ts), each row's status
// says whether the service reached its desired count, is still starting (or stopping), did not (the
// reason below the table), or could not be read; singletons running more than one task are flagged.
// The same layout serves a wave's follow-up (results that arrived after its summary), the settle
// check's follow-up (services that did not reach their count after all) and calls outside every wave. Block Kit with a plain-text fallback, within
// Slack's limits (50 blocks, 3,000 characters per section); split into parts only when one message
// cannot hold it.
import type { HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { escapeMrkdwn as escape, truncate } from '../shared/slack-text';
import type { SlackMessage } from '../shared/slack-webhook';
import { wallClock, zoneAbbreviation } from '../shared/wall-clock';
import type { ScalingResult } from './cloudtrail';
import type { TaskState } from './task-state';
import { serviceKey } from './waves';

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150 } as const;
const FAILURE_LINE_MAX = 300;
const SERVICE_COLUMN_MAX = 40;
const FALLBACK_NAMES_MAX = 20;
/** Services named per line of the "state unknown" section (the table names each one). */
const UNKNOWN_NAMES_MAX = 20;

/**
 * `wave`: the one summary of a wave; `follow-up`: results that arrived after it; `check`: services the
 * summary showed still starting that did not reach their count; `unscheduled`: calls of no wave.
 */
export type SummaryKind = 'wave' | 'follow-up' | 'check' | 'unscheduled';

export interface ServiceName {
  cluster: string;
  service: string;
}

export interface BatchSummary {
  environment: string;
  timeZone: string;
  kind?: SummaryKind;
  /** The wave, as people read it: `Scale-up 09:00 KST, Mon 2026-11-23`. */
  wave?: string;
  /** One per CloudTrail event (repeats removed). */
  results: ScalingResult[];
  /** Services the wave expected that never reported (a wave summary closed at its deadline). */
  missing?: ServiceName[];
  /**
   * Epoch ms the summary is posted, when that is after the wave's deadline (its results waited in the
   * queue while the notifier was paused, or its deadline did not run): the summary says it is late.
   */
  lateAt?: number;
  /** Lines said under the overview (mrkdwn), e.g. why these calls fit no wave. */
  notes?: string[];
  /** What ECS reported of each called service, keyed `cluster/service`; none: the calls only. */
  tasks?: Record<string, TaskState>;
  /** `cluster/service` of the services that must never run more than one task (seed 001). */
  singletons?: string[];
  /** When services still starting are checked again, as people read it (`09:35 KST`); none once past. */
  checkAt?: string;
}

const TITLES: Record<SummaryKind, string> = {
  wave: 'ECS Scheduled Scaling Summary',
  'follow-up': 'ECS Scaling, late results',
  check: 'ECS Scaling, not reached after the summary',
  unscheduled: 'ECS Scaling outside the schedule',
};

const MISSING_HEADING = '*🚫 No UpdateService call seen*';
const NOT_REACHED_HEADING = '*❌ Desired count not reached*';
const SINGLETON_HEADING = '*🚨 Singleton running more than one task*';
const STARTING_HEADING = '*⏳ Still starting or stopping*';
const UNKNOWN_HEADING = '*❓ Task state unknown* (ECS could not be read; the summary did not wait for it)';

export function summaryMessages(summary: BatchSummary): SlackMessage[] {
  const kind = summary.kind ?? 'wave';
  const results = [...summary.results].sort(
    (a, b) => a.service.localeCompare(b.service) || a.eventTime.localeCompare(b.eventTime),
  );
  const missing = [...(summary.missing ?? [])].sort((a, b) => a.service.localeCompare(b.service));
  const failed = results.filter((r) => !r.succeeded);
  const succeeded = results.length - failed.length;
  const tasks = taskRows(results, summary.tasks ?? {}, new Set(summary.singletons ?? []));
  const troubled = tasks.notReached.length + tasks.starting.length + tasks.unknown.length + tasks.crowded.length;
  const icon =
    failed.length === 0 && missing.length === 0 && troubled === 0
      ? '✅'
      : succeeded === 0 || kind === 'check'
        ? '❌'
        : '⚠️';
  const title = `${icon} ${TITLES[kind]}${summary.lateAt === undefined ? '' : ' (late)'}: ${summary.environment}`;
  const when = timeRange(results, summary.timeZone);
  const totals =
    `${succeeded} succeeded, ${failed.length} failed` +
    (missing.length > 0 ? `, ${missing.length} with no call seen` : '');

  const overview: SectionBlock = section(
    [
      `*Environment:* ${escape(summary.environment)}`,
      ...(summary.wave
        ? [
            `*Wave:* ${escape(summary.wave)}${kind === 'follow-up' ? ' (its summary was posted before these arrived)' : kind === 'check' ? ' (its summary showed these still starting or stopping)' : ''}`,
          ]
        : []),
      `*Time:* ${escape(when)}`,
      ...(summary.lateAt === undefined ? [] : [lateLine(summary.lateAt, summary.timeZone)]),
      ...(summary.notes ?? []),
      `*Total:* ${totals}`,
      ...(tasks.shown > 0 ? [`*Tasks:* ${tasks.totals}`] : []),
    ].join('\n'),
  );
  const list = (lines: string[], heading: string): SectionBlock[] =>
    lines.length > 0 ? chunkSections(lines, (chunk, first) => (first ? `${heading}\n` : '') + chunk.join('\n')) : [];
  const content: KnownBlock[] = [
    ...chunkSections(tableLines(results, tasks.status), (lines) => '```\n' + lines.join('\n') + '\n```'),
    ...list(
      failed.map(
        (r) =>
          `• \`${escape(r.service)}\` (${escape(r.cluster)}): ${escape(truncate(r.error ?? '', FAILURE_LINE_MAX))}`,
      ),
      '*❌ Failures*',
    ),
    ...list(tasks.notReached, NOT_REACHED_HEADING),
    ...list(tasks.crowded, SINGLETON_HEADING),
    ...list(
      tasks.starting,
      `${STARTING_HEADING}${summary.checkAt ? `: checked again at ${escape(summary.checkAt)}; a follow-up names any that do not reach their count` : ''}`,
    ),
    ...list(tasks.unknown, UNKNOWN_HEADING),
    ...list(
      missing.map((m) => `• \`${escape(m.service)}\` (${escape(m.cluster)})`),
      `${MISSING_HEADING}: the schedule did not fire, the call was not recorded, or it is still on its way (a late call gets a follow-up)`,
    ),
  ];

  const perMessage = SLACK_LIMITS.blocks - 2;
  const parts = Math.max(1, Math.ceil(content.length / perMessage));
  const names = (label: string, all: string[]) => {
    const shown = all.slice(0, FALLBACK_NAMES_MAX);
    return shown.length ? `. ${label}: ${shown.join(', ')}${all.length > shown.length ? ', ...' : ''}` : '';
  };
  const fallback =
    `${title} (${summary.wave ?? when}): ${totals}` +
    names(
      'Failed',
      failed.map((r) => r.service),
    ) +
    names(
      'No call seen',
      missing.map((m) => m.service),
    ) +
    names('Not reached', tasks.notReachedNames) +
    names('Singleton over one task', tasks.crowdedNames);
  return Array.from({ length: parts }, (_, index) => {
    const label = parts > 1 ? ` (part ${index + 1}/${parts})` : '';
    const header: HeaderBlock = {
      type: 'header',
      text: { type: 'plain_text', text: truncate(title + label, SLACK_LIMITS.headerText), emoji: true },
    };
    return {
      text: fallback + label,
      blocks: [header, overview, ...content.slice(index * perMessage, (index + 1) * perMessage)],
    };
  });
}

/** Why a wave summary comes after its deadline, and when it was posted. */
function lateLine(at: number, timeZone: string): string {
  const clock = wallClock(at, timeZone);
  const zone = zoneAbbreviation(timeZone) ?? `${clock.zoneName} (${timeZone})`;
  return `*⏰ Late:* posted ${clock.date} ${clock.time} ${zone}, after the wave's deadline. The notifier was paused (the rollback switch) or the deadline did not run; these results waited in the queue`;
}

function tableLines(results: ScalingResult[], status: (r: ScalingResult) => string): string[] {
  let longest = 'Service'.length;
  for (const r of results) longest = Math.max(longest, r.service.length);
  // A name longer than the column is kept whole (its row shifts): every service stays named.
  const width = Math.min(SERVICE_COLUMN_MAX, longest);
  const row = (service: string, action: string, status: string) =>
    `${service.padEnd(width)} │ ${action.padEnd(16)} │ ${status}`;
  return [
    row('Service', 'Action', 'Status'),
    `${'─'.repeat(width)}─┼─${'─'.repeat(16)}─┼─${'─'.repeat(8)}`,
    ...results.map((r) =>
      row(escape(r.service), r.desiredCount === undefined ? r.action : `${r.action} (→${r.desiredCount})`, status(r)),
    ),
  ];
}

/** Packs lines into as few section blocks as the 3,000-character limit allows. */
function chunkSections(lines: string[], wrap: (lines: string[], first: boolean) => string): SectionBlock[] {
  const blocks: SectionBlock[] = [];
  let current: string[] = [];
  let size = 0;
  const overhead = (first: boolean) => wrap([], first).length;
  const flush = () => {
    if (current.length > 0) blocks.push(section(wrap(current, blocks.length === 0)));
    current = [];
    size = 0;
  };
  for (const line of lines) {
    if (current.length > 0 && overhead(blocks.length === 0) + size + line.length + 1 > SLACK_LIMITS.sectionText)
      flush();
    current.push(line);
    size += line.length + 1;
  }
  flush();
  return blocks;
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, SLACK_LIMITS.sectionText) } };
}

/** `2026-11-23 09:00–09:05 KST`; both dates when the range crosses midnight. */
export function timeRange(results: ScalingResult[], timeZone: string): string {
  if (results.length === 0) return 'no UpdateService call seen';
  let first = Infinity;
  let last = -Infinity;
  for (const r of results) {
    const at = Date.parse(r.eventTime);
    if (at < first) first = at;
    if (at > last) last = at;
  }
  const start = wallClock(first, timeZone);
  const end = wallClock(last, timeZone);
  const zone = zoneAbbreviation(timeZone) ?? `${start.zoneName} (${timeZone})`;
  if (start.date !== end.date) return `${start.date} ${start.time} – ${end.date} ${end.time} ${zone}`;
  return start.time === end.time
    ? `${start.date} ${start.time} ${zone}`
    : `${start.date} ${start.time}–${end.time} ${zone}`;
}

interface TaskRows {
  /** The Status cell of a row. */
  status: (r: ScalingResult) => string;
  /** Services with a task state, and their totals (`2 reached, 1 starting`). */
  shown: number;
  totals: string;
  notReached: string[];
  notReachedNames: string[];
  starting: string[];
  unknown: string[];
  crowded: string[];
  crowdedNames: string[];
}

/** The status cells and the detail lines of the services whose tasks ECS reported, one per service. */
function taskRows(results: ScalingResult[], tasks: Record<string, TaskState>, singletons: Set<string>): TaskRows {
  const seen = new Set<string>();
  const rows: TaskRows = {
    status: (r) => {
      if (!r.succeeded) return '❌ Error';
      const state = tasks[serviceKey(r)];
      return state ? statusCell(state, singletons.has(serviceKey(r))) : '✅';
    },
    shown: 0,
    totals: '',
    notReached: [],
    notReachedNames: [],
    starting: [],
    unknown: [],
    crowded: [],
    crowdedNames: [],
  };
  const counts = { reached: 0, starting: 0, 'not-reached': 0, unknown: 0, crowded: 0 };
  const unknownByReason = new Map<string, string[]>();
  for (const r of results) {
    const key = serviceKey(r);
    const state = tasks[key];
    if (!r.succeeded || !state || seen.has(key)) continue;
    seen.add(key);
    const crowded = singletons.has(key) && (state.running ?? 0) > 1;
    if (crowded) counts.crowded += 1;
    else counts[state.outcome] += 1;
    const name = `\`${escape(r.service)}\` (${escape(r.cluster)})`;
    if (state.outcome === 'not-reached') {
      rows.notReached.push(`• ${name}: ${countsText(state)}${escape(state.reason ?? 'not reached')}`);
      rows.notReachedNames.push(r.service);
    } else if (state.outcome === 'starting' && !crowded) {
      // (A singleton running more than one task has its own line below.)
      rows.starting.push(`• ${name}: ${countsText(state).replace(/: $/, '')}`);
    } else if (state.outcome === 'unknown') {
      const reason = state.reason ?? 'no reason given';
      unknownByReason.set(reason, [...(unknownByReason.get(reason) ?? []), r.service]);
    }
    if (crowded) {
      rows.crowded.push(`• ${name}: ${state.running} tasks running; it must never run more than one`);
      rows.crowdedNames.push(r.service);
    }
  }
  for (const [reason, names] of unknownByReason) {
    const shown = names.slice(0, UNKNOWN_NAMES_MAX).map((n) => `\`${escape(n)}\``);
    const more = names.length > shown.length ? ` and ${names.length - shown.length} more` : '';
    rows.unknown.push(`• ${escape(reason)}: ${shown.join(', ')}${more}`);
  }
  rows.shown = seen.size;
  rows.totals = (
    [
      [counts.reached, 'reached their count'],
      [counts.starting, 'still starting or stopping'],
      [counts['not-reached'], 'not reached'],
      [counts.unknown, 'unknown'],
      [counts.crowded, 'singleton running more than one task'],
    ] as const
  )
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${n} ${label}`)
    .join(', ');
  return rows;
}

/** `✅ 2/2 running`, `⏳ 0/2 running, 2 pending`, `❌ 0/1 running`, `❓ state unknown`, `🚨 2/1 running, singleton`. */
export function statusCell(state: TaskState, singleton = false): string {
  const { desired = 0, running = 0, pending = 0 } = state;
  const counted = state.desired !== undefined;
  if (singleton && running > 1) return `🚨 ${running}/${desired} running, singleton`;
  switch (state.outcome) {
    case 'reached':
      return desired === 0 && running === 0 ? '✅ stopped (0 running)' : `✅ ${running}/${desired} running`;
    case 'starting':
      return running > desired
        ? `⏳ ${running}/${desired} running, stopping`
        : `⏳ ${running}/${desired} running, ${pending} pending`;
    case 'not-reached':
      return counted ? `❌ ${running}/${desired} running` : '❌ not reached';
    case 'unknown':
      return '❓ state unknown';
  }
}

/** `0/1 running: `, `1 task left running (desired 0): `; nothing when ECS gave no counts. */
function countsText(state: TaskState): string {
  if (state.desired === undefined) return '';
  const { desired, running = 0, pending = 0 } = state;
  if (running > desired) {
    const left = running - desired;
    return `${left} task${left === 1 ? '' : 's'} left running (desired ${desired}): `;
  }
  return `${running}/${desired} running${pending > 0 ? `, ${pending} pending` : ''}: `;
}
