// The metric alarms: Aurora MySQL on the cluster's WRITER (or READER) role, and optional per-service
// ECS CPU/memory. Every alarm notifies on ALARM and on OK (so recoveries reach Slack).
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import type { Construct } from 'constructs';
import type { CloudwatchConfig } from '../../environments/cloudwatch-schema';
import type { ServiceConfig } from '../../environments/schema';
import { cloudwatchLogicalId, cloudwatchNames, ecsAlarmLogicalId } from '../../shared/cloudwatch-names';

type AlarmSettings = NonNullable<CloudwatchConfig['aurora']>['cpu'];

interface AlarmSpec {
  logicalId: string;
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  comparison: 'GreaterThanOrEqualToThreshold' | 'LessThanThreshold';
  settings: AlarmSettings;
  /**
   * Aurora: missing data cannot mean high load or low memory (`notBreaching`, as the legacy).
   * ECS: a service scaled to 0 at night sends no data; `ignore` keeps the state, so nothing flaps.
   */
  treatMissingData: 'notBreaching' | 'ignore';
}

const GIB = 1024 ** 3;

function auroraSpecs(config: CloudwatchConfig, environment: string): AlarmSpec[] {
  const aurora = config.aurora;
  if (!aurora) return [];
  const names = cloudwatchNames(config, environment);
  const dimensions = { DBClusterIdentifier: aurora.clusterIdentifier, Role: aurora.role };
  const common = { namespace: 'AWS/RDS', dimensions, treatMissingData: 'notBreaching' as const };
  const minutes = (s: AlarmSettings) => (s.periodSeconds * s.evaluationPeriods) / 60;
  return [
    {
      ...common,
      logicalId: cloudwatchLogicalId('cpuAlarm'),
      name: aurora.cpu.alarmName ?? names.auroraAlarm('cpu'),
      description: `Aurora ${aurora.clusterIdentifier} (${aurora.role}) CPU 사용률이 ${aurora.cpu.threshold}% 이상 ${minutes(aurora.cpu)}분 지속 시 알람`,
      metricName: 'CPUUtilization',
      comparison: 'GreaterThanOrEqualToThreshold',
      settings: aurora.cpu,
    },
    {
      ...common,
      logicalId: cloudwatchLogicalId('freeableMemoryAlarm'),
      name: aurora.freeableMemory.alarmName ?? names.auroraAlarm('freeableMemory'),
      description: `Aurora ${aurora.clusterIdentifier} (${aurora.role}) 사용 가능한 메모리가 ${(aurora.freeableMemory.threshold / GIB).toFixed(2)} GiB 미만일 때 알람`,
      metricName: 'FreeableMemory',
      comparison: 'LessThanThreshold',
      settings: aurora.freeableMemory,
    },
    {
      ...common,
      logicalId: cloudwatchLogicalId('connectionsAlarm'),
      name: aurora.connections.alarmName ?? names.auroraAlarm('connections'),
      description: `Aurora ${aurora.clusterIdentifier} (${aurora.role}) 데이터베이스 연결 수가 ${aurora.connections.threshold}개 이상일 때 알람`,
      metricName: 'DatabaseConnections',
      comparison: 'GreaterThanOrEqualToThreshold',
      settings: aurora.connections,
    },
  ];
}

function ecsSpecs(config: CloudwatchConfig, environment: string, services: ServiceConfig[]): AlarmSpec[] {
  const ecs = config.ecsAlarms;
  if (!ecs) return [];
  const names = cloudwatchNames(config, environment);
  const byName = new Map(services.map((svc) => [svc.resourceName, svc]));
  return ecs.services.flatMap((resourceName) => {
    const svc = byName.get(resourceName);
    if (!svc) return []; // rejected by the config rules
    return (['cpu', 'memory'] as const).map((metric) => ({
      logicalId: ecsAlarmLogicalId(resourceName, metric),
      name: names.ecsAlarm(resourceName, metric),
      description: `ECS ${svc.cluster}/${svc.service} ${metric === 'cpu' ? 'CPU' : '메모리'} 사용률이 ${ecs[metric].threshold}% 이상일 때 알람 (0개로 축소된 시간에는 상태 유지)`,
      namespace: 'AWS/ECS',
      metricName: metric === 'cpu' ? 'CPUUtilization' : 'MemoryUtilization',
      dimensions: { ClusterName: svc.cluster, ServiceName: svc.service },
      comparison: 'GreaterThanOrEqualToThreshold' as const,
      settings: ecs[metric],
      treatMissingData: 'ignore' as const,
    }));
  });
}

export function createAlarms(
  scope: Construct,
  config: CloudwatchConfig,
  environment: string,
  services: ServiceConfig[],
  topicArn: string,
): CloudwatchMetricAlarm[] {
  return [...auroraSpecs(config, environment), ...ecsSpecs(config, environment, services)].map((spec) => {
    const alarm = new CloudwatchMetricAlarm(scope, spec.logicalId, {
      alarmName: spec.name,
      alarmDescription: spec.description,
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions,
      statistic: 'Average',
      period: spec.settings.periodSeconds,
      evaluationPeriods: spec.settings.evaluationPeriods,
      ...(spec.settings.datapointsToAlarm ? { datapointsToAlarm: spec.settings.datapointsToAlarm } : {}),
      threshold: spec.settings.threshold,
      comparisonOperator: spec.comparison,
      treatMissingData: spec.treatMissingData,
      alarmActions: [topicArn],
      okActions: [topicArn],
    });
    alarm.overrideLogicalId(spec.logicalId);
    return alarm;
  });
}
