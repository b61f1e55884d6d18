// The Slack message of seed 004: one attachment per alarm with the legacy texts, colours and fields,
// plus the resource (dimensions), state change, description and a console link. Everything taken
// from the alarm is escaped for mrkdwn and truncated, so a long or odd value cannot break the post.
import type { MessageAttachment } from '@slack/types';
import type { SlackMessage } from '../shared/slack-webhook';
import { codeBlock, inlineCode, mrkdwn, plain } from '../shared/slack-text';
import { wallClock, zoneAbbreviation } from '../shared/wall-clock';
import type { CloudWatchAlarm, Dimension, GenericNotification, MetricQuery, Notification } from './alarm';
import type { Settings } from './settings';
import { formatPeriod, formatStatistic, formatThreshold, unitOf } from './units';

export const BRAND = '*[OTT 인프라 감지]*';
export const FOOTER = 'OTT 플랫폼 통합 관제 시스템';

/** ALARM red / OK green as the legacy; INSUFFICIENT_DATA (and anything else) grey with ⚠️. */
export const STATE_STYLES: Record<string, { emoji: string; color: string }> = {
  ALARM: { emoji: '🚨', color: '#eb4034' },
  OK: { emoji: '✅', color: '#2eb886' },
  INSUFFICIENT_DATA: { emoji: '⚠️', color: '#9e9e9e' },
};
const OTHER_STATE = { emoji: '⚠️', color: '#9e9e9e' };
export const GENERIC_STYLE = { emoji: '📨', color: '#9e9e9e' };

/** Character limits (Slack truncates or rejects far above these; keep messages readable). */
export const LIMITS = { title: 200, short: 300, reason: 1_000, description: 1_500, generic: 2_500 } as const;
/** Metric-math queries listed under 감시 메트릭. */
const MAX_QUERIES = 6;

type Field = NonNullable<MessageAttachment['fields']>[number];

export function toSlackMessage(notification: Notification, settings: Settings): SlackMessage {
  return notification.kind === 'alarm' ? alarmMessage(notification, settings) : genericMessage(notification, settings);
}

export function alarmMessage(alarm: CloudWatchAlarm, settings: Settings): SlackMessage {
  const style = STATE_STYLES[alarm.state] ?? OTHER_STATE;
  const consoleUrl = alarmConsoleUrl(alarm);
  const fields: Field[] = [
    short('대상 리전', alarm.regionCode ?? alarm.regionName ?? '-'),
    { title: '감시 메트릭', value: metricText(alarm), short: true },
    short('임계치', thresholdText(alarm)),
    short('발생 시간', occurredText(alarm, settings.displayTimeZone)),
  ];
  const resource = resourceText(alarm);
  if (resource) fields.push({ title: '대상 리소스', value: resource, short: true });
  fields.push(short('상태 변화', `${alarm.previousState ?? '?'} → ${alarm.state}`));
  if (settings.environment) fields.push(short('환경', settings.environment));
  if (alarm.alarmRule)
    fields.push({ title: '경보 규칙', value: codeBlock(alarm.alarmRule, LIMITS.reason), short: false });
  fields.push({ title: '상세 사유', value: alarm.reason ? codeBlock(alarm.reason, LIMITS.reason) : '-', short: false });
  if (alarm.description) {
    fields.push({ title: '설명', value: mrkdwn(alarm.description, LIMITS.description), short: false });
  }
  if (consoleUrl) fields.push({ title: '콘솔', value: `<${consoleUrl}|CloudWatch 경보 열기>`, short: false });

  const attachment: MessageAttachment = {
    color: style.color,
    fallback: `경보 상세: ${plain(alarm.name, LIMITS.title)} (${plain(alarm.state, 40)})`,
    title: `경보 상세: ${plain(alarm.name, LIMITS.title)}`,
    ...(consoleUrl ? { title_link: consoleUrl } : {}),
    fields,
    footer: FOOTER,
    mrkdwn_in: ['text', 'fields'],
    // Slack shows ts next to the footer: the state change, never the clock.
    ...(alarm.changedAt !== undefined ? { ts: String(Math.floor(alarm.changedAt / 1000)) } : {}),
  };
  return {
    text: `${style.emoji} ${BRAND} 상태가 *${plain(alarm.state, 40)}*로 변경되었습니다.`,
    attachments: [attachment],
  };
}

/** Anything that is not an alarm: subject and (truncated) message, so nothing is lost. */
export function genericMessage(note: GenericNotification, settings: Settings): SlackMessage {
  const fields: Field[] = [];
  const topic = note.topicArn?.split(':').pop();
  if (topic) fields.push(short('SNS 토픽', topic));
  if (note.receivedAt !== undefined)
    fields.push(short('수신 시간', formatTime(note.receivedAt, settings.displayTimeZone)));
  if (settings.environment) fields.push(short('환경', settings.environment));
  const attachment: MessageAttachment = {
    color: GENERIC_STYLE.color,
    title: note.subject ? plain(note.subject, LIMITS.title) : '(제목 없음)',
    text: note.message.trim() ? codeBlock(note.message, LIMITS.generic) : '(빈 메시지)',
    fields,
    footer: FOOTER,
    mrkdwn_in: ['text', 'fields'],
    ...(note.receivedAt !== undefined ? { ts: String(Math.floor(note.receivedAt / 1000)) } : {}),
  };
  return { text: `${GENERIC_STYLE.emoji} ${BRAND} 경보 형식이 아닌 SNS 알림을 받았습니다.`, attachments: [attachment] };
}

function metricText(alarm: CloudWatchAlarm): string {
  const t = alarm.trigger;
  if (!t) return alarm.alarmRule ? '복합 경보' : '-';
  if (t.metricName) {
    const detail = [formatStatistic(t.statistic), window(t.period, t.evaluationPeriods)].filter(Boolean).join(' · ');
    const name = plain(t.namespace ? `${t.metricName} (${t.namespace})` : t.metricName, LIMITS.short);
    return detail ? `${name}\n${detail}` : name;
  }
  if (t.metrics.length > 0) {
    const lines = t.metrics.slice(0, MAX_QUERIES).map(queryLine);
    if (t.metrics.length > MAX_QUERIES) lines.push(`… 외 ${t.metrics.length - MAX_QUERIES}개`);
    return lines.join('\n');
  }
  return '-';
}

/** Metric math: "e1 = m1/m2*100 (label)" or "m1 = AWS/RDS DatabaseConnections (최대, 1분)". */
function queryLine(q: MetricQuery): string {
  const mark = q.returnData ? '▶ ' : '';
  if (q.expression) {
    return `${mark}${plain(q.id, 40)} = ${inlineCode(q.expression, 200)}${q.label ? ` (${plain(q.label, 80)})` : ''}`;
  }
  const metric = [q.namespace, q.metricName].filter(Boolean).join(' ') || '?';
  const detail = [formatStatistic(q.stat), q.period ? formatPeriod(q.period) : undefined].filter(Boolean).join(', ');
  return `${mark}${plain(q.id, 40)} = ${plain(metric, 120)}${detail ? ` (${detail})` : ''}`;
}

function window(period: number | undefined, evaluations: number | undefined): string | undefined {
  if (!period) return undefined;
  return evaluations ? `${formatPeriod(period)} × ${evaluations}` : formatPeriod(period);
}

function thresholdText(alarm: CloudWatchAlarm): string {
  const t = alarm.trigger;
  if (!t) return '-';
  // Metric math: a plain metric that returns data keeps its unit; an expression's unit is unknown.
  const returned = t.metricName ? undefined : t.metrics.find((q) => q.returnData);
  const unit = t.metricName
    ? unitOf(t.metricName, t.unit)
    : returned && !returned.expression
      ? unitOf(returned.metricName, returned.unit)
      : undefined;
  return formatThreshold({ ...t, unit });
}

/** Which DB cluster / ECS service: the alarm's dimensions, one per line. */
function resourceText(alarm: CloudWatchAlarm): string | undefined {
  const t = alarm.trigger;
  if (!t) return undefined;
  const line = (d: Dimension) => `${d.name}: ${d.value}`;
  if (t.dimensions.length > 0) return plain(t.dimensions.map(line).join('\n'), LIMITS.short);
  const withDims = t.metrics.filter((q) => q.dimensions.length > 0);
  if (withDims.length === 0) return undefined;
  const lines = withDims.flatMap((q) =>
    q.dimensions.map((d) => (withDims.length > 1 ? `${q.id}: ${line(d)}` : line(d))),
  );
  return plain([...new Set(lines)].join('\n'), LIMITS.short);
}

function occurredText(alarm: CloudWatchAlarm, timeZone: string): string {
  if (alarm.changedAt !== undefined) return formatTime(alarm.changedAt, timeZone);
  return alarm.stateChangeTime ? plain(alarm.stateChangeTime, 60) : '-';
}

/** Alarm page in the CloudWatch console; the region comes from the ARN ("Region" is a display name). */
export function alarmConsoleUrl(alarm: CloudWatchAlarm): string | undefined {
  if (!alarm.regionCode || alarm.partition !== 'aws') return undefined;
  const region = alarm.regionCode;
  return `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#alarmsV2:alarm/${encodeURIComponent(alarm.name)}`;
}

/** "2026-11-23 09:05:00 KST": wall-clock time in the zone. */
export function formatTime(epochMs: number, timeZone: string): string {
  const clock = wallClock(epochMs, timeZone);
  return `${clock.date} ${clock.time}:${clock.seconds} ${zoneAbbreviation(timeZone) ?? clock.zoneName}`;
}

function short(title: string, value: string): Field {
  return { title, value: plain(value, LIMITS.short), short: true };
}
