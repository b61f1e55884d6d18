// Thresholds in the metric's own unit (legacy defect 8 printed every threshold with "%").
// The unit is Trigger.Unit when the alarm names one, else a table of known metrics, else none.

/** CloudWatch's unit for metrics whose alarms usually carry `Unit: null`. */
const KNOWN_METRIC_UNITS: Record<string, string> = {
  // AWS/RDS (Aurora MySQL)
  CPUUtilization: 'Percent',
  BufferCacheHitRatio: 'Percent',
  ACUUtilization: 'Percent',
  FreeableMemory: 'Bytes',
  FreeLocalStorage: 'Bytes',
  FreeStorageSpace: 'Bytes',
  SwapUsage: 'Bytes',
  VolumeBytesUsed: 'Bytes',
  DatabaseConnections: 'Count',
  Deadlocks: 'Count/Second',
  ReadIOPS: 'Count/Second',
  WriteIOPS: 'Count/Second',
  AuroraReplicaLag: 'Milliseconds',
  AuroraReplicaLagMaximum: 'Milliseconds',
  CommitLatency: 'Milliseconds',
  DMLLatency: 'Milliseconds',
  DDLLatency: 'Milliseconds',
  SelectLatency: 'Milliseconds',
  InsertLatency: 'Milliseconds',
  UpdateLatency: 'Milliseconds',
  DeleteLatency: 'Milliseconds',
  ReplicaLag: 'Seconds',
  ReadLatency: 'Seconds',
  WriteLatency: 'Seconds',
  NetworkThroughput: 'Bytes/Second',
  NetworkReceiveThroughput: 'Bytes/Second',
  NetworkTransmitThroughput: 'Bytes/Second',
  // AWS/ECS and ECS/ContainerInsights
  MemoryUtilization: 'Percent',
  CPUReservation: 'Percent',
  MemoryReservation: 'Percent',
  RunningTaskCount: 'Count',
  PendingTaskCount: 'Count',
  DesiredTaskCount: 'Count',
};

type Kind = 'percent' | 'bytes' | 'count' | 'seconds' | 'milliseconds' | 'microseconds';

/** CloudWatch StandardUnit -> kind and multiplier. Kilobytes etc. are taken as binary (×1024). */
const UNITS: Record<string, { kind: Kind; scale: number }> = {
  Percent: { kind: 'percent', scale: 1 },
  Count: { kind: 'count', scale: 1 },
  Bytes: { kind: 'bytes', scale: 1 },
  Kilobytes: { kind: 'bytes', scale: 1024 },
  Megabytes: { kind: 'bytes', scale: 1024 ** 2 },
  Gigabytes: { kind: 'bytes', scale: 1024 ** 3 },
  Terabytes: { kind: 'bytes', scale: 1024 ** 4 },
  Seconds: { kind: 'seconds', scale: 1 },
  Milliseconds: { kind: 'milliseconds', scale: 1 },
  Microseconds: { kind: 'microseconds', scale: 1 },
};

const OPERATORS: Record<string, string> = {
  GreaterThanOrEqualToThreshold: '≥',
  GreaterThanThreshold: '>',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '≤',
};

/** Anomaly-detection operators compare against a band (ThresholdMetricId), not a number. */
const BAND_OPERATORS: Record<string, string> = {
  LessThanLowerOrGreaterThanUpperThreshold: '밴드 범위를 벗어남',
  GreaterThanUpperThreshold: '밴드 상한 초과',
  LessThanLowerThreshold: '밴드 하한 미만',
};

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** The CloudWatch unit to display a metric's values in, or undefined when unknown. */
export function unitOf(metricName: string | undefined, unit: string | null | undefined): string | undefined {
  if (unit && unit !== 'None') return unit;
  if (!metricName) return undefined;
  return KNOWN_METRIC_UNITS[metricName] ?? (/Utili[sz]ation$/i.test(metricName) ? 'Percent' : undefined);
}

/** One value in a CloudWatch unit: "80%", "1 GiB", "100개", "500ms", "5회/초"; unknown -> the raw number. */
export function formatQuantity(value: number, unit: string | undefined): string {
  if (!unit) return String(value);
  const perSecond = unit.endsWith('/Second');
  const base = UNITS[perSecond ? unit.slice(0, -'/Second'.length) : unit];
  if (!base) return `${decimal.format(value)} ${unit}`;
  const scaled = value * base.scale;
  if (perSecond) {
    return base.kind === 'count' ? `${decimal.format(scaled)}회/초` : `${formatBase(base.kind, scaled)}/s`;
  }
  return formatBase(base.kind, scaled);
}

function formatBase(kind: Kind, value: number): string {
  switch (kind) {
    case 'percent':
      return `${decimal.format(value)}%`;
    case 'bytes':
      return formatBytes(value);
    case 'count':
      return `${decimal.format(value)}개`;
    case 'seconds':
      return `${decimal.format(value)}초`;
    case 'milliseconds':
      return `${decimal.format(value)}ms`;
    case 'microseconds':
      return `${decimal.format(value)}μs`;
  }
}

/** Binary units: 1073741824 -> "1 GiB", 268435456 -> "256 MiB", 1e9 -> "953.67 MiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let step = 0;
  // Compare the value as it will print (2 decimals), so 1073741823 shows "1 GiB", not "1,024 MiB".
  while (Math.abs(Math.round(value * 100) / 100) >= 1024 && step < BINARY.length - 1) {
    value /= 1024;
    step += 1;
  }
  return `${decimal.format(value)} ${BINARY[step]}`;
}

export function operatorSymbol(operator: string | undefined): string | undefined {
  return operator ? OPERATORS[operator] : undefined;
}

export interface ThresholdInput {
  threshold?: number;
  comparisonOperator?: string;
  thresholdMetricId?: string;
  /** The CloudWatch unit from `unitOf`, if known. */
  unit?: string;
}

/** "≥ 80%", "< 1 GiB", "≥ 100개"; anomaly bands name the band; "-" when nothing is known. */
export function formatThreshold(input: ThresholdInput): string {
  const band = input.comparisonOperator ? BAND_OPERATORS[input.comparisonOperator] : undefined;
  if (band) return input.thresholdMetricId ? `${band} (${input.thresholdMetricId})` : band;
  if (input.threshold === undefined) return '-';
  const quantity = formatQuantity(input.threshold, input.unit);
  const symbol = operatorSymbol(input.comparisonOperator);
  if (symbol) return `${symbol} ${quantity}`;
  return input.comparisonOperator ? `${quantity} (${input.comparisonOperator})` : quantity;
}

/** Alarm period in Korean: 60 -> "1분", 10 -> "10초", 3600 -> "1시간". */
export function formatPeriod(seconds: number): string {
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600}시간`;
  if (seconds >= 60 && seconds % 60 === 0) return `${seconds / 60}분`;
  return `${seconds}초`;
}

const STATISTICS: Record<string, string> = {
  AVERAGE: '평균',
  MAXIMUM: '최대',
  MINIMUM: '최소',
  SUM: '합계',
  SAMPLECOUNT: '샘플 수',
};

/** "AVERAGE"/"Average" -> "평균"; extended statistics (p99, tm90) stay as sent. */
export function formatStatistic(statistic: string | undefined): string | undefined {
  return statistic ? (STATISTICS[statistic.toUpperCase()] ?? statistic) : undefined;
}
