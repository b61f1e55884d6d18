// Cross-field rules of the slack-notifier and cloudwatch sections.
import {
  defaultBatchSize,
  NOTIFIER_QUEUE_RETENTION_SECONDS,
  queueVisibilityTimeout,
} from '../constructs/slack-notifier/queue-settings';
import { cloudwatchNames } from '../constructs/cloudwatch/names';
import type { RuleViolation } from './rules';
import type { EnvironmentConfig } from './schema';

function notifierRules(env: EnvironmentConfig): RuleViolation[] {
  const { batchSize, maxReceiveCount, functionTimeoutSeconds, batchingWindowSeconds } = env.slackNotifier;
  const services = env.scheduler.services.length;
  const found: RuleViolation[] = [];
  if (batchSize !== undefined && batchSize < services) {
    found.push({
      path: ['slackNotifier', 'batchSize'],
      message: `batchSize ${batchSize} is below the ${services} scheduled services, so one scaling wave would be split into several Slack messages; use at least ${services} or leave it out (default ${defaultBatchSize(services)})`,
    });
  }
  // A message must be able to fail maxReceiveCount times before SQS's retention drops it,
  // or it vanishes instead of reaching the dead-letter queue.
  const visibility = queueVisibilityTimeout(functionTimeoutSeconds, batchingWindowSeconds);
  if (maxReceiveCount * visibility >= NOTIFIER_QUEUE_RETENTION_SECONDS) {
    found.push({
      path: ['slackNotifier', 'maxReceiveCount'],
      message: `maxReceiveCount ${maxReceiveCount} x the queue's visibility timeout ${visibility} s (6 x functionTimeoutSeconds + batchingWindowSeconds) is ${maxReceiveCount * visibility} s, not below the queue's 1 h retention: a failing message would expire before reaching the dead-letter queue. Lower maxReceiveCount or functionTimeoutSeconds`,
    });
  }
  return found;
}

function adoptionRules(env: EnvironmentConfig): RuleViolation[] {
  const { adoptLegacy, legacyNames, team } = env.cloudwatch;
  if (!adoptLegacy) return [];
  const path = ['cloudwatch', 'adoptLegacy'];
  if (!legacyNames) {
    return [
      {
        path,
        message:
          'adopting the legacy cloudwatch resources needs their names: set "legacyNames: true" (an import under a new name would rename, i.e. replace, each one)',
      },
    ];
  }
  const topic = adoptLegacy.subscriptionArn.split(':')[5];
  const legacyTopic = cloudwatchNames(env.cloudwatch, env.name).topic;
  if (topic !== legacyTopic) {
    return [
      {
        path: [...path, 'subscriptionArn'],
        message: `subscriptionArn belongs to topic "${topic}", not to "${legacyTopic}" (team "${team}"); give the subscription of the legacy alarm topic`,
      },
    ];
  }
  if (!adoptLegacy.subscriptionArn.startsWith(`arn:aws:sns:${env.region}:`)) {
    return [
      {
        path: [...path, 'subscriptionArn'],
        message: `subscriptionArn is not in this environment's region ${env.region}`,
      },
    ];
  }
  return [];
}

function cloudwatchRules(env: EnvironmentConfig): RuleViolation[] {
  const found: RuleViolation[] = [...adoptionRules(env)];
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
