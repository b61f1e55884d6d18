// Pure tests of the threshold formatting (legacy defect 8: every threshold printed with "%").
import {
  formatBytes,
  formatPeriod,
  formatQuantity,
  formatStatistic,
  formatThreshold,
  operatorSymbol,
  unitOf,
} from '../functions/alert-service/units';

describe('unitOf: Trigger.Unit first, then the known-metric table, else unknown', () => {
  test.each([
    ['CPUUtilization', null, 'Percent'],
    ['MemoryUtilization', null, 'Percent'],
    ['FreeableMemory', null, 'Bytes'],
    ['FreeableMemory', 'None', 'Bytes'],
    ['DatabaseConnections', null, 'Count'],
    ['AuroraReplicaLag', null, 'Milliseconds'],
    ['Deadlocks', undefined, 'Count/Second'],
    ['node_cpu_utilization', null, 'Percent'],
    ['FreeableMemory', 'Megabytes', 'Megabytes'],
    ['SomethingCustom', 'Seconds', 'Seconds'],
    ['SomethingCustom', null, undefined],
    [undefined, null, undefined],
  ])('%s with Unit %p -> %p', (metric, unit, expected) => {
    expect(unitOf(metric, unit)).toBe(expected);
  });
});

describe('formatQuantity', () => {
  test.each([
    [80, 'Percent', '80%'],
    [80.5, 'Percent', '80.5%'],
    [1073741824, 'Bytes', '1 GiB'],
    [268435456, 'Bytes', '256 MiB'],
    [1_000_000_000, 'Bytes', '953.67 MiB'],
    [1073741823, 'Bytes', '1 GiB'],
    [512, 'Bytes', '512 B'],
    [1536, 'Bytes', '1.5 KiB'],
    [2 * 1024 ** 4, 'Bytes', '2 TiB'],
    [500, 'Megabytes', '500 MiB'],
    [2048, 'Megabytes', '2 GiB'],
    [100, 'Count', '100개'],
    [1500, 'Count', '1,500개'],
    [30, 'Seconds', '30초'],
    [250, 'Milliseconds', '250ms'],
    [5, 'Count/Second', '5회/초'],
    [10 * 1024 ** 2, 'Bytes/Second', '10 MiB/s'],
    [1000, 'Kilobits', '1,000 Kilobits'],
    [1_000_000_000, undefined, '1000000000'],
    [0.25, undefined, '0.25'],
  ])('%p %p -> %p', (value, unit, expected) => {
    expect(formatQuantity(value, unit)).toBe(expected);
  });

  test('never prints a byte threshold as a percentage (legacy "1000000000%")', () => {
    expect(formatQuantity(1_000_000_000, unitOf('FreeableMemory', null))).not.toContain('%');
  });
});

describe('formatThreshold: operator and unit', () => {
  test.each([
    [{ threshold: 80, comparisonOperator: 'GreaterThanOrEqualToThreshold', unit: 'Percent' }, '≥ 80%'],
    [{ threshold: 80, comparisonOperator: 'GreaterThanThreshold', unit: 'Percent' }, '> 80%'],
    [{ threshold: 1073741824, comparisonOperator: 'LessThanThreshold', unit: 'Bytes' }, '< 1 GiB'],
    [{ threshold: 268435456, comparisonOperator: 'LessThanOrEqualToThreshold', unit: 'Bytes' }, '≤ 256 MiB'],
    [{ threshold: 100, comparisonOperator: 'GreaterThanOrEqualToThreshold', unit: 'Count' }, '≥ 100개'],
    [{ threshold: 90, comparisonOperator: 'GreaterThanThreshold' }, '> 90'],
    [{ threshold: 3 }, '3'],
    [{ threshold: 3, comparisonOperator: 'SomeNewOperator' }, '3 (SomeNewOperator)'],
    [
      { comparisonOperator: 'LessThanLowerOrGreaterThanUpperThreshold', thresholdMetricId: 'ad1' },
      '밴드 범위를 벗어남 (ad1)',
    ],
    [{ comparisonOperator: 'GreaterThanUpperThreshold', thresholdMetricId: 'ad1' }, '밴드 상한 초과 (ad1)'],
    [{}, '-'],
  ])('%p -> %p', (input, expected) => {
    expect(formatThreshold(input)).toBe(expected);
  });
});

describe('small formatters', () => {
  test.each([
    [10, '10초'],
    [60, '1분'],
    [300, '5분'],
    [90, '90초'],
    [3600, '1시간'],
    [86400, '24시간'],
  ])('formatPeriod(%p) = %p', (seconds, expected) => {
    expect(formatPeriod(seconds)).toBe(expected);
  });

  test.each([
    ['AVERAGE', '평균'],
    ['Maximum', '최대'],
    ['MINIMUM', '최소'],
    ['SUM', '합계'],
    ['SampleCount', '샘플 수'],
    ['p99', 'p99'],
    [undefined, undefined],
  ])('formatStatistic(%p) = %p', (statistic, expected) => {
    expect(formatStatistic(statistic)).toBe(expected);
  });

  test.each([
    ['GreaterThanOrEqualToThreshold', '≥'],
    ['GreaterThanThreshold', '>'],
    ['LessThanThreshold', '<'],
    ['LessThanOrEqualToThreshold', '≤'],
    ['LessThanLowerThreshold', undefined],
  ])('operatorSymbol(%p) = %p', (operator, expected) => {
    expect(operatorSymbol(operator)).toBe(expected);
  });

  test('formatBytes keeps negative values readable', () => {
    expect(formatBytes(-2048)).toBe('-2 KiB');
  });
});
