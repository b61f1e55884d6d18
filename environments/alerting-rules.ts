// Cross-field rules of the slack-notifier and cloudwatch sections.
import type { RuleViolation } from './rules';
import type { EnvironmentConfig } from './schema';

/** The default batch: room for a whole wave plus retries and duplicates. */
export function defaultBatchSize(serviceCount: number): number {
  return Math.min(10000, Math.max(10, 2 * serviceCount));
}

function notifierRules(env: EnvironmentConfig): RuleViolation[] {
  const { batchSize } = env.slackNotifier;
  const services = env.scheduler.services.length;
  if (batchSize !== undefined && batchSize < services) {
    return [
      {
        path: ['slackNotifier', 'batchSize'],
        message: `batchSize ${batchSize} is below the ${services} scheduled services, so one scaling wave would be split into several Slack messages; use at least ${services} or leave it out (default ${defaultBatchSize(services)})`,
      },
    ];
  }
  return [];
}

function cloudwatchRules(env: EnvironmentConfig): RuleViolation[] {
  const found: RuleViolation[] = [];
  const scheduled = new Set(env.scheduler.services.map((svc) => svc.resourceName));
  const seen = new Set<string>();
  env.cloudwatch.ecsAlarms?.services.forEach((name, index) => {
    const path = ['cloudwatch', 'ecsAlarms', 'services', index];
    if (!scheduled.has(name)) {
      found.push({
        path,
        message: `"${name}" is not a scheduled service; name one of scheduler.services (its resourceName), whose cluster the alarm uses`,
      });
    } else if (seen.has(name)) {
      found.push({ path, message: `"${name}" is listed twice; list each service once` });
    }
    seen.add(name);
  });
  const { aurora, ecsAlarms } = env.cloudwatch;
  const alarms = [
    ...(aurora
      ? (['cpu', 'freeableMemory', 'connections'] as const).map((key) => [['aurora', key], aurora[key]] as const)
      : []),
    ...(ecsAlarms ? (['cpu', 'memory'] as const).map((key) => [['ecsAlarms', key], ecsAlarms[key]] as const) : []),
  ];
  for (const [path, alarm] of alarms) {
    if (alarm.datapointsToAlarm !== undefined && alarm.datapointsToAlarm > alarm.evaluationPeriods) {
      found.push({
        path: ['cloudwatch', ...path, 'datapointsToAlarm'],
        message: `datapointsToAlarm (${alarm.datapointsToAlarm}) cannot exceed evaluationPeriods (${alarm.evaluationPeriods})`,
      });
    }
  }
  return found;
}

export function alertingRules(env: EnvironmentConfig): RuleViolation[] {
  return [...notifierRules(env), ...cloudwatchRules(env)];
}
