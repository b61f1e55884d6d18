// Cross-field rules of the slack-notifier and cloudwatch sections.
import { minuteOfDay } from '../shared/weekly-time';
import {
  CLOUDTRAIL_LAG_MINUTES,
  defaultBatchSize,
  minimumWaveGraceMinutes,
  DYNAMODB_ITEM_BYTES,
  queueRetentionSeconds,
  queueVisibilityTimeout,
  waveItemBytes,
} from '../shared/notifier-queue-settings';
import { cloudwatchNames } from '../shared/cloudwatch-names';
import {
  describeServicesPolicies,
  MANAGED_POLICY_CHARACTERS,
  MAX_DESCRIBE_POLICIES,
} from '../shared/describe-services-policy';
import { operationsPathProblem } from './operations-schema';
import type { RuleViolation } from './rules';
import type { EnvironmentConfig } from './schema';

function notifierRules(env: EnvironmentConfig): RuleViolation[] {
  const { batchSize, maxReceiveCount, functionTimeoutSeconds, batchingWindowSeconds, queueRetentionHours } =
    env.slackNotifier;
  const services = env.scheduler.services.length;
  const found: RuleViolation[] = [];
  const waveBytes = waveItemBytes(env.scheduler.services);
  if (waveBytes > DYNAMODB_ITEM_BYTES) {
    found.push({
      path: ['scheduler', 'services'],
      message: `${services} services make one wave's record in the waves table about ${Math.ceil(waveBytes / 1024)} KB (their names, up to 3 eventIDs and the task state each), above DynamoDB's 400 KB per item: split the services over two environments`,
    });
  }
  const readPolicies = describeServicesPolicies(env, env.scheduler.services).length;
  if (readPolicies > MAX_DESCRIBE_POLICIES) {
    found.push({
      path: ['scheduler', 'services'],
      message: `${services} services need ${readPolicies} IAM policies of ${MANAGED_POLICY_CHARACTERS} characters to let the notifier read exactly them (ecs:DescribeServices, one ARN each), above the ${MAX_DESCRIBE_POLICIES} its role may hold besides its basic execution policy: split the services over two environments`,
    });
  }
  if (batchSize !== undefined && batchSize < services) {
    found.push({
      path: ['slackNotifier', 'batchSize'],
      message: `batchSize ${batchSize} is below the ${services} scheduled services, so every scaling wave would take several invocations to gather; use at least ${services} or leave it out (default ${defaultBatchSize(services)})`,
    });
  }
  // A message must be able to fail maxReceiveCount times before SQS's retention drops it,
  // or it vanishes instead of reaching the dead-letter queue.
  const visibility = queueVisibilityTimeout(functionTimeoutSeconds, batchingWindowSeconds);
  if (maxReceiveCount * visibility >= queueRetentionSeconds(queueRetentionHours)) {
    found.push({
      path: ['slackNotifier', 'maxReceiveCount'],
      message: `maxReceiveCount ${maxReceiveCount} x the queue's visibility timeout ${visibility} s (6 x functionTimeoutSeconds + batchingWindowSeconds) is ${maxReceiveCount * visibility} s, not below the queue's ${queueRetentionHours} h retention (queueRetentionHours): a failing message would expire before reaching the dead-letter queue. Lower maxReceiveCount or functionTimeoutSeconds, or raise queueRetentionHours`,
    });
  }
  return [...found, ...waveGraceRules(env), ...retryRules(env)];
}

/**
 * A scale schedule stops retrying by its wave's deadline: a call that fails for good is then kept in
 * the scaling dead-letter queue (and its alarm rings) when the summary names it "no call seen", not
 * up to an hour later.
 */
function retryRules(env: EnvironmentConfig): RuleViolation[] {
  const { waveGraceMinutes } = env.slackNotifier;
  const { flexibleWindowMinutes, retry } = env.scheduler;
  const reach = flexibleWindowMinutes + retry.maximumEventAgeMinutes;
  if (reach <= waveGraceMinutes) return [];
  const most = waveGraceMinutes - flexibleWindowMinutes;
  return [
    {
      path: ['scheduler', 'retry', 'maximumEventAgeMinutes'],
      message: `retries (${retry.maximumEventAgeMinutes} min) plus the flexible window (${flexibleWindowMinutes} min) reach ${reach} min past the wave, beyond its deadline (slackNotifier.waveGraceMinutes ${waveGraceMinutes}): a call that fails for good would reach the scaling dead-letter queue after the summary. ${most >= 1 ? `Use at most ${most}, or raise` : 'Raise'} waveGraceMinutes to at least ${reach}`,
    },
  ];
}

/** The deadline must come after a wave's last results, and on the same day as the wave. */
function waveGraceRules(env: EnvironmentConfig): RuleViolation[] {
  const { waveGraceMinutes, batchingWindowSeconds } = env.slackNotifier;
  const { flexibleWindowMinutes, scaleUp, scaleDown } = env.scheduler;
  const path = ['slackNotifier', 'waveGraceMinutes'];
  const minimum = minimumWaveGraceMinutes(flexibleWindowMinutes, batchingWindowSeconds);
  if (waveGraceMinutes < minimum) {
    return [
      {
        path,
        message: `waveGraceMinutes ${waveGraceMinutes} is shorter than the flexible window (${flexibleWindowMinutes} min) + the batching window (${Math.ceil(batchingWindowSeconds / 60)} min) + ${CLOUDTRAIL_LAG_MINUTES} min of CloudTrail delay = ${minimum} min: waves would be closed before their results arrive. Use at least ${minimum}`,
      },
    ];
  }
  const { settleCheckMinutes } = env.slackNotifier;
  return (
    [
      ['scaleUp', scaleUp.time],
      ['scaleDown', scaleDown.time],
    ] as const
  ).flatMap(([field, time]): RuleViolation[] => {
    const latest = 24 * 60 - 1 - minuteOfDay(time);
    if (waveGraceMinutes > latest) {
      return [
        {
          path,
          message: `the ${field} wave at ${time} plus waveGraceMinutes ${waveGraceMinutes} passes midnight, so its deadline would fall on the next day, which the deadline schedule's weekdays do not follow. Use at most ${latest} or move scheduler.${field}.time earlier`,
        },
      ];
    }
    if (waveGraceMinutes + settleCheckMinutes <= latest) return [];
    return [
      {
        path: ['slackNotifier', 'settleCheckMinutes'],
        message: `the ${field} wave at ${time} plus waveGraceMinutes ${waveGraceMinutes} plus settleCheckMinutes ${settleCheckMinutes} passes midnight, so its settle check would fall on the next day, which its schedule's weekdays do not follow. ${latest - waveGraceMinutes >= 1 ? `Use at most ${latest - waveGraceMinutes} or move` : 'Lower waveGraceMinutes or move'} scheduler.${field}.time earlier`,
      },
    ];
  });
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

function operationsRules(env: EnvironmentConfig): RuleViolation[] {
  const problem = operationsPathProblem(env.operations);
  return problem ? [{ path: ['operations'], message: problem }] : [];
}

export function alertingRules(env: EnvironmentConfig): RuleViolation[] {
  return [...notifierRules(env), ...cloudwatchRules(env), ...operationsRules(env)];
}
