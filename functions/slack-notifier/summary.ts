// Scaling results -> the Slack message of a wave (seed 000): title, environment, the wave, time range
// of the calls in the configured zone, a Service | Action | Status table, totals, failure details and
// the services that never reported. The same layout serves a wave's follow-up (results that arrived
// after its summary) and calls outside every wave. Block Kit with a plain-text fallback, within
// Slack's limits (50 blocks, 3,000 characters per section); split into parts only when one message
// cannot hold it.
import type { HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { escapeMrkdwn as escape, truncate } from '../shared/slack-text';
import type { SlackMessage } from '../shared/slack-webhook';
import { wallClock, zoneAbbreviation } from '../shared/wall-clock';
import type { ScalingResult } from './cloudtrail';

export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150 } as const;
const FAILURE_LINE_MAX = 300;
const SERVICE_COLUMN_MAX = 40;
const FALLBACK_NAMES_MAX = 20;

/** `wave`: the one summary of a wave; `follow-up`: results that arrived after it; `unscheduled`: calls of no wave. */
export type SummaryKind = 'wave' | 'follow-up' | 'unscheduled';

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
}

const TITLES: Record<SummaryKind, string> = {
  wave: 'ECS Scheduled Scaling Summary',
  'follow-up': 'ECS Scaling, late results',
  unscheduled: 'ECS Scaling outside the schedule',
};

const MISSING_HEADING = '*🚫 No UpdateService call seen*';

export function summaryMessages(summary: BatchSummary): SlackMessage[] {
  const kind = summary.kind ?? 'wave';
  const results = [...summary.results].sort(
    (a, b) => a.service.localeCompare(b.service) || a.eventTime.localeCompare(b.eventTime),
  );
  const missing = [...(summary.missing ?? [])].sort((a, b) => a.service.localeCompare(b.service));
  const failed = results.filter((r) => !r.succeeded);
  const succeeded = results.length - failed.length;
  const icon = failed.length === 0 && missing.length === 0 ? '✅' : succeeded === 0 ? '❌' : '⚠️';
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
            `*Wave:* ${escape(summary.wave)}${kind === 'follow-up' ? ' (its summary was posted before these arrived)' : ''}`,
          ]
        : []),
      `*Time:* ${escape(when)}`,
      ...(summary.lateAt === undefined ? [] : [lateLine(summary.lateAt, summary.timeZone)]),
      ...(summary.notes ?? []),
      `*Total:* ${totals}`,
    ].join('\n'),
  );
  const content: KnownBlock[] = [
    ...chunkSections(tableLines(results), (lines) => '```\n' + lines.join('\n') + '\n```'),
    ...(failed.length > 0
      ? chunkSections(
          failed.map(
            (r) =>
              `• \`${escape(r.service)}\` (${escape(r.cluster)}): ${escape(truncate(r.error ?? '', FAILURE_LINE_MAX))}`,
          ),
          (lines, first) => (first ? '*❌ Failures*\n' : '') + lines.join('\n'),
        )
      : []),
    ...(missing.length > 0
      ? chunkSections(
          missing.map((m) => `• \`${escape(m.service)}\` (${escape(m.cluster)})`),
          (lines, first) =>
            (first
              ? `${MISSING_HEADING}: the schedule did not fire, the call was not recorded, or it is still on its way (a late call gets a follow-up)\n`
              : '') + lines.join('\n'),
        )
      : []),
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
    );
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

function tableLines(results: ScalingResult[]): string[] {
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
      row(
        escape(r.service),
        r.desiredCount === undefined ? r.action : `${r.action} (→${r.desiredCount})`,
        r.succeeded ? '✅' : '❌ Error',
      ),
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
