// Reads one SNS record: a CloudWatch alarm state change (single metric, metric math or composite),
// or anything else as a generic notification. Nothing is dropped: unknown input becomes `generic`.

export interface Dimension {
  name: string;
  value: string;
}

/** One entry of Trigger.Metrics[] (metric-math alarms). */
export interface MetricQuery {
  id: string;
  expression?: string;
  label?: string;
  namespace?: string;
  metricName?: string;
  dimensions: Dimension[];
  stat?: string;
  period?: number;
  unit?: string;
  returnData: boolean;
}

export interface AlarmTrigger {
  metricName?: string;
  namespace?: string;
  /** "AVERAGE", "MAXIMUM", ... or an extended statistic such as "p99". */
  statistic?: string;
  unit?: string;
  dimensions: Dimension[];
  period?: number;
  evaluationPeriods?: number;
  comparisonOperator?: string;
  threshold?: number;
  /** Anomaly-detection alarms compare against a band instead of a number. */
  thresholdMetricId?: string;
  metrics: MetricQuery[];
}

export interface CloudWatchAlarm {
  kind: 'alarm';
  name: string;
  description?: string;
  /** NewStateValue: ALARM | OK | INSUFFICIENT_DATA. */
  state: string;
  previousState?: string;
  reason?: string;
  /** StateChangeTime as sent ("2026-11-23T01:02:03.123+0000"). */
  stateChangeTime?: string;
  /** StateChangeTime in epoch ms, when it parses. */
  changedAt?: number;
  /** Region as sent: a human name such as "Asia Pacific (Seoul)". */
  regionName?: string;
  /** Region code from AlarmArn (or the topic ARN), e.g. "ap-northeast-2". */
  regionCode?: string;
  partition?: string;
  accountId?: string;
  /** Absent for composite alarms. */
  trigger?: AlarmTrigger;
  /** Composite alarms: the rule over child alarms. */
  alarmRule?: string;
}

export interface GenericNotification {
  kind: 'generic';
  subject?: string;
  message: string;
  topicArn?: string;
  /** SNS Timestamp in epoch ms. */
  receivedAt?: number;
  /** Why this is not read as an alarm (for the logs). */
  problem: string;
}

export type Notification = CloudWatchAlarm | GenericNotification;

type Json = Record<string, unknown>;

/** Parses one `Records[]` entry of an SNS event (typed loosely: malformed records must not throw). */
export function parseRecord(record: unknown): Notification {
  const sns = isObject(record) && isObject(record.Sns) ? record.Sns : undefined;
  if (!sns) {
    return { kind: 'generic', message: safeJson(record), problem: 'record has no Sns object' };
  }
  const subject = str(sns.Subject);
  const topicArn = str(sns.TopicArn);
  const receivedAt = parseAwsTime(str(sns.Timestamp));
  const raw = typeof sns.Message === 'string' ? sns.Message : safeJson(sns.Message);
  const generic = (problem: string, json?: unknown): GenericNotification => ({
    kind: 'generic',
    // JSON is re-indented so it reads well in Slack.
    message: json === undefined ? raw : (JSON.stringify(json, null, 2) ?? raw),
    problem,
    ...(subject ? { subject } : {}),
    ...(topicArn ? { topicArn } : {}),
    ...(receivedAt !== undefined ? { receivedAt } : {}),
  });

  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return generic('message is not JSON');
  }
  if (!isObject(body)) return generic('message is not a JSON object', body);
  const name = str(body.AlarmName);
  const state = str(body.NewStateValue);
  if (!name || !state) return generic('message has no AlarmName/NewStateValue', body);

  const arn = parseArn(str(body.AlarmArn)) ?? parseArn(topicArn);
  const stateChangeTime = str(body.StateChangeTime);
  const changedAt = parseAwsTime(stateChangeTime);
  return compact<CloudWatchAlarm>({
    kind: 'alarm',
    name,
    description: str(body.AlarmDescription),
    state,
    previousState: str(body.OldStateValue),
    reason: str(body.NewStateReason),
    stateChangeTime,
    changedAt,
    regionName: str(body.Region),
    regionCode: arn?.region,
    partition: arn?.partition,
    accountId: str(body.AWSAccountId) ?? arn?.account,
    trigger: isObject(body.Trigger) ? parseTrigger(body.Trigger) : undefined,
    alarmRule: str(body.AlarmRule),
  });
}

function parseTrigger(t: Json): AlarmTrigger {
  return compact<AlarmTrigger>({
    metricName: str(t.MetricName),
    namespace: str(t.Namespace),
    statistic: str(t.Statistic) ?? str(t.ExtendedStatistic),
    unit: str(t.Unit),
    dimensions: dimensions(t.Dimensions),
    period: num(t.Period),
    evaluationPeriods: num(t.EvaluationPeriods),
    comparisonOperator: str(t.ComparisonOperator),
    threshold: num(t.Threshold),
    thresholdMetricId: str(t.ThresholdMetricId),
    metrics: Array.isArray(t.Metrics) ? t.Metrics.filter(isObject).map(parseMetricQuery) : [],
  });
}

function parseMetricQuery(m: Json): MetricQuery {
  const stat = isObject(m.MetricStat) ? m.MetricStat : {};
  const metric = isObject(stat.Metric) ? stat.Metric : {};
  return compact<MetricQuery>({
    id: str(m.Id) ?? '?',
    expression: str(m.Expression),
    label: str(m.Label),
    namespace: str(metric.Namespace),
    metricName: str(metric.MetricName),
    dimensions: dimensions(metric.Dimensions),
    stat: str(stat.Stat),
    period: num(stat.Period ?? m.Period),
    unit: str(stat.Unit),
    returnData: m.ReturnData !== false,
  });
}

/** Alarm dimensions come as `[{"name","value"}]` (lower-case keys); accept `Name/Value` too. */
function dimensions(value: unknown): Dimension[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).flatMap((d) => {
    const name = str(d.name) ?? str(d.Name);
    const val = str(d.value) ?? str(d.Value);
    return name && val !== undefined ? [{ name, value: val }] : [];
  });
}

/** `arn:<partition>:<service>:<region>:<account>:...` */
function parseArn(arn: string | undefined): { partition: string; region: string; account?: string } | undefined {
  const parts = arn?.split(':');
  if (!parts || parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition = '', , region = '', account] = parts;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return undefined;
  return { partition, region, ...(account ? { account } : {}) };
}

/** "2026-11-23T01:02:03.123+0000" (CloudWatch) or "...Z" (SNS) to epoch ms. */
export function parseAwsTime(value: string | undefined): number | undefined {
  const match = value && /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(Z|[+-]\d\d:?\d\d)$/.exec(value.trim());
  if (!match) return undefined;
  const zone = match[2] === 'Z' ? 'Z' : `${match[2]!.slice(0, 3)}:${match[2]!.slice(-2)}`;
  const ms = Date.parse(`${match[1]}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function num(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}

function safeJson(value: unknown): string {
  if (value === undefined) return '';
  try {
    return JSON.stringify(value) ?? typeof value; // functions and symbols have no JSON
  } catch {
    return `unprintable ${typeof value}`; // a cycle or a BigInt
  }
}

/** Drops undefined properties (so objects compare and log cleanly). */
function compact<T>(value: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
