// Every cross-field rule of help/configuration.md, one row each: the change that breaks it and the
// exact problem reported (where, what, and the fix). The doc's rule table and this one must match.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadEnvironments, parseEnvironment, type EnvironmentInput } from '../environments';
import { numberedServices, TEST_ACCOUNT, testEnvironment } from './support/environment-builder';

type Service = Record<string, unknown>;
interface Env {
  scheduler: Record<string, unknown> & { services: Service[] };
  slackNotifier: Record<string, unknown>;
  cloudwatch: Record<string, unknown> & { ecsAlarms: { services: string[] }; aurora: Record<string, unknown> };
  operations: { emails?: string[]; topicArn?: string };
}

/**
 * The environment each row breaks: "qa" (testEnvironment) with services `api` [0] and `worker` [1] in
 * apps-qa and the singleton `batch-job` [2] in batch-qa, team "qteam", and ECS alarms on api and worker.
 */
const base = (name = 'qa') => testEnvironment({ name, cloudwatch: { ecsAlarms: { services: ['api', 'worker'] } } });
const SUBSCRIPTION = `arn:aws:sns:ap-northeast-2:${TEST_ACCOUNT}:qteam-db-alarm-topic:0b9f2c1e-7d3a-4e5b-9c8d-7a6b5c4d3e2f`;

function changed(change: (env: Env) => void, input: EnvironmentInput = base()): EnvironmentInput {
  const env = structuredClone(input) as unknown as Env;
  change(env);
  return env as unknown as EnvironmentInput;
}
const parse = (change: (env: Env) => void) => () => parseEnvironment(changed(change));
const adopting = (env: Env) => {
  env.cloudwatch.legacyNames = true;
  env.cloudwatch.adoptLegacy = { subscriptionArn: SUBSCRIPTION };
};

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config was accepted');
}

/** [the rule as help/configuration.md words it, a config that breaks it, the first problem reported]. */
const RULES: [rule: string, load: () => unknown, problem: string][] = [
  [
    'An ECS service (`cluster/service`) is scheduled once',
    parse((e) => e.scheduler.services.push({ ...e.scheduler.services[0], resourceName: 'other' })),
    'scheduler.services[3] (service "api").resourceName: apps-qa/api is already scheduled by services[0]; two schedule pairs would race on one ECS service. List each service once',
  ],
  [
    'A resource name is used once, even across clusters',
    parse((e) => e.scheduler.services.push({ cluster: 'another', service: 'api' })),
    'scheduler.services[3] (service "api").service: "api" is already used by services[0] (in another cluster); IAM role and schedule names must be unique per environment. Give one of them a distinct "resourceName"',
  ],
  [
    'No two resource names differ only in case or in `-` versus `_` (IAM names ignore case; both give one Terraform address)',
    parse((e) => e.scheduler.services.push({ cluster: 'another', service: 'Batch_Job' })),
    'scheduler.services[3] (service "Batch_Job").service: "Batch_Job" and "batch-job" (services[2]) would get the same IAM role name or Terraform address (AWS names ignore case; "-" and "_" give the same address). Give one of them a distinct "resourceName"',
  ],
  [
    'Every generated name fits its AWS limit (table below)',
    parse((e) => e.scheduler.services.push({ cluster: 'c', service: 'a'.repeat(50) })),
    `scheduler.services[3] (service "${'a'.repeat(50)}").service: generated IAM role name "${'a'.repeat(50)}-scheduler-role-qa" is 68 characters; AWS allows 64. Set "resourceName" to a shorter name for this service's scheduler resources`,
  ],
  [
    'A singleton has `upCount` at most 1',
    parse((e) => (e.scheduler.services[2]!.upCount = 2)),
    'scheduler.services[2] (service "batch-job").upCount: a singleton service never runs more than one task, but upCount is 2; set upCount to 1 or remove "singleton: true"',
  ],
  [
    '`downCount` is not above `upCount`',
    parse((e) => (e.scheduler.services[0]!.downCount = 2)),
    'scheduler.services[0] (service "api").downCount: downCount (2) is above upCount (1); scaling down must not add tasks',
  ],
  [
    'The resource name starts with a letter (Terraform addresses are derived from it)',
    parse((e) => e.scheduler.services.push({ cluster: 'c', service: '9lives' })),
    'scheduler.services[3] (service "9lives").service: Terraform addresses are derived from the service name and must start with a letter; set "resourceName" to a name that does',
  ],
  [
    'Scale-up and scale-down are not at the same time on a shared day',
    parse((e) => {
      e.scheduler.scaleUp = { time: '10:00', weekdays: 'MON-FRI' };
      e.scheduler.scaleDown = { time: '10:00', weekdays: 'MON' };
    }),
    'scheduler.scaleDown.time: scale-up and scale-down both run at 10:00 on the same days; give them different times',
  ],
  [
    'Retry age plus flexible window stays below the gap between the two times (the shorter way round the clock)',
    parse((e) => {
      e.scheduler.scaleUp = { time: '09:00', weekdays: 'MON-FRI' };
      e.scheduler.scaleDown = { time: '10:00', weekdays: 'MON-FRI' };
      e.scheduler.flexibleWindowMinutes = 5;
      e.scheduler.retry = { maximumEventAgeMinutes: 60, maximumRetryAttempts: 3 };
    }),
    'scheduler.retry.maximumEventAgeMinutes: retries (60 min) plus the flexible window (5 min) reach 65 min, but scale-up and scale-down are only 60 min apart; a late retry could undo the other action. Keep the sum below 60',
  ],
  [
    '`slackNotifier.batchSize` is at least the number of services',
    parse((e) => {
      e.scheduler.services.push(...numberedServices(5)); // 8 services: the default is twice that
      e.slackNotifier.batchSize = 4;
    }),
    'slackNotifier.batchSize: batchSize 4 is below the 8 scheduled services, so every scaling wave would take several invocations to gather; use at least 8 or leave it out (default 16)',
  ],
  [
    "`slackNotifier.maxReceiveCount` x the queue's visibility timeout (6 x `functionTimeoutSeconds` + `batchingWindowSeconds`) stays below the queue's retention (`queueRetentionHours`), so a failing message reaches the DLQ instead of expiring",
    parse((e) => Object.assign(e.slackNotifier, { maxReceiveCount: 10, queueRetentionHours: 1 })),
    "slackNotifier.maxReceiveCount: maxReceiveCount 10 x the queue's visibility timeout 660 s (6 x functionTimeoutSeconds + batchingWindowSeconds) is 6600 s, not below the queue's 1 h retention (queueRetentionHours): a failing message would expire before reaching the dead-letter queue. Lower maxReceiveCount or functionTimeoutSeconds, or raise queueRetentionHours",
  ],
  [
    "`slackNotifier.waveGraceMinutes` is at least the flexible window + the batching window (rounded up to minutes) + 5 min of CloudTrail delay, so a wave's calls can arrive before its deadline",
    parse((e) => {
      e.scheduler.flexibleWindowMinutes = 5;
      e.slackNotifier.waveGraceMinutes = 6;
    }),
    'slackNotifier.waveGraceMinutes: waveGraceMinutes 6 is shorter than the flexible window (5 min) + the batching window (5 min) + 5 min of CloudTrail delay = 15 min: waves would be closed before their results arrive. Use at least 15',
  ],
  [
    "Each wave's deadline (`scaleUp.time` / `scaleDown.time` + `waveGraceMinutes`) stays on the wave's day (23:59 at the latest), because the deadline schedule runs on the same weekdays",
    parse((e) => (e.scheduler.scaleDown = { time: '23:50', weekdays: 'MON-FRI' })),
    "slackNotifier.waveGraceMinutes: the scaleDown wave at 23:50 plus waveGraceMinutes 20 passes midnight, so its deadline would fall on the next day, which the deadline schedule's weekdays do not follow. Use at most 9 or move scheduler.scaleDown.time earlier",
  ],
  [
    "`scheduler.retry.maximumEventAgeMinutes` plus `scheduler.flexibleWindowMinutes` is at most `slackNotifier.waveGraceMinutes`, so a scale schedule stops retrying by its wave's deadline",
    parse((e) => (e.scheduler.retry = { maximumEventAgeMinutes: 60, maximumRetryAttempts: 10 })),
    'scheduler.retry.maximumEventAgeMinutes: retries (60 min) plus the flexible window (5 min) reach 65 min past the wave, beyond its deadline (slackNotifier.waveGraceMinutes 20): a call that fails for good would reach the scaling dead-letter queue after the summary. Use at most 15, or raise waveGraceMinutes to at least 65',
  ],
  [
    '`cloudwatch.ecsAlarms.services` names scheduled services, each once',
    parse((e) => e.cloudwatch.ecsAlarms.services.push('nope')),
    'cloudwatch.ecsAlarms.services[2]: "nope" is not a scheduled service; name one of scheduler.services (its resourceName), whose cluster the alarm uses',
  ],
  [
    '`datapointsToAlarm` is at most `evaluationPeriods`',
    parse((e) => (e.cloudwatch.aurora.cpu = { datapointsToAlarm: 9 })),
    'cloudwatch.aurora.cpu.datapointsToAlarm: datapointsToAlarm (9) cannot exceed evaluationPeriods (5)',
  ],
  [
    'Each legacy module is taken over by one service',
    parse((e) => (e.scheduler.services[1]!.legacyModule = 'api_scheduler')),
    'scheduler.services[1] (service "worker").legacyModule: legacy module "module.api_scheduler" is already taken over by services[0]; give each service the legacy module call that managed it ("legacyModule")',
  ],
  [
    '`cloudwatch.adoptLegacy` needs `legacyNames: true`',
    parse((e) => {
      adopting(e);
      e.cloudwatch.legacyNames = false;
    }),
    'cloudwatch.adoptLegacy: adopting the legacy cloudwatch resources needs their names: set "legacyNames: true" (an import under a new name would rename, i.e. replace, each one)',
  ],
  [
    '`cloudwatch.adoptLegacy.subscriptionArn` is a subscription of the legacy topic, in this region',
    parse((e) => {
      adopting(e);
      e.cloudwatch.adoptLegacy = { subscriptionArn: SUBSCRIPTION.replace('qteam-db', 'x-db') };
    }),
    'cloudwatch.adoptLegacy.subscriptionArn: subscriptionArn belongs to topic "x-db-alarm-topic", not to "qteam-db-alarm-topic" (team "qteam"); give the subscription of the legacy alarm topic',
  ],
  [
    'At most one environment sets `cloudwatch.adoptLegacy`',
    () => loadEnvironments([changed(adopting), changed(adopting, base('uat'))]),
    'cloudwatch.adoptLegacy: environment "qa" already adopts the legacy cloudwatch resources; one resource must live in one state only, so set adoptLegacy in a single environment',
  ],
  [
    "One wave's record in the waves table (the services' names, up to 3 eventIDs and the task state each) fits DynamoDB's 400 KB item",
    parse((e) => {
      e.scheduler.services = Array.from({ length: 900 }, (_, i) => ({
        cluster: 'c'.repeat(200),
        service: `s-${i}`.padEnd(200, 'x'),
        resourceName: `s${i}`,
      }));
      delete (e.cloudwatch as Record<string, unknown>).ecsAlarms;
    }),
    "scheduler.services: 900 services make one wave's record in the waves table about 1047 KB (their names, up to 3 eventIDs and the task state each), above DynamoDB's 400 KB per item: split the services over two environments",
  ],
  [
    'The notifier may read exactly the scheduled services: their ARNs fit the 9 IAM policies of 6,144 characters its role may hold besides its basic execution policy',
    parse((e) => {
      e.scheduler.services = Array.from({ length: 300 }, (_, i) => ({
        cluster: 'c'.repeat(150),
        service: `s-${i}`.padEnd(50, 'x'),
        resourceName: `s${i}`,
      }));
      delete (e.cloudwatch as Record<string, unknown>).ecsAlarms;
    }),
    'scheduler.services: 300 services need 14 IAM policies of 6144 characters to let the notifier read exactly them (ecs:DescribeServices, one ARN each), above the 9 its role may hold besides its basic execution policy: split the services over two environments',
  ],
  [
    "Each wave's settle check (its deadline + `settleCheckMinutes`) stays on the wave's day, because its schedule runs on the same weekdays",
    parse((e) => {
      e.scheduler.scaleDown = { time: '23:30', weekdays: 'MON-FRI' };
      Object.assign(e.slackNotifier, { settleCheckMinutes: 15 });
    }),
    "slackNotifier.settleCheckMinutes: the scaleDown wave at 23:30 plus waveGraceMinutes 20 plus settleCheckMinutes 15 passes midnight, so its settle check would fall on the next day, which its schedule's weekdays do not follow. Use at most 9 or move scheduler.scaleDown.time earlier",
  ],
  [
    '`operations` gives one path: `emails` (at least one address) or `topicArn`, not both',
    parse((e) => (e.operations = { emails: [] })),
    'operations: no operations path: emails is empty and there is no topicArn, so failures of the Slack alerting would reach nobody; add operations: { emails: ["oncall@your-company.com"] } (the stack creates a topic and subscribes each address; each must confirm) or operations: { topicArn: "arn:aws:sns:<region>:<account>:<topic>" } (an existing topic your on-call already receives). See help/configuration.md, "operations"',
  ],
  [
    'Each `operations.emails` address is listed once (addresses that differ only in case or punctuation would share one Terraform address)',
    parse((e) => (e.operations = { emails: ['on.call@b.co', 'on_call@b.co'] })),
    'operations: "on.call@b.co" and "on_call@b.co" would get the same Terraform address (they differ only in case or punctuation); list one of them',
  ],
];

describe('every cross-field rule', () => {
  it.each(RULES)('%s', (_rule, load, problem) => {
    expect(problemsOf(load)[0]).toBe(problem);
  });

  it('is in help/configuration.md, and every rule there is here', () => {
    const doc = readFileSync(path.join(__dirname, '..', 'help', 'configuration.md'), 'utf8');
    const table = doc.slice(doc.indexOf('## Cross-field rules'), doc.indexOf('## Generated names'));
    const documented = table
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('| Rule'))
      .map((line) => line.slice(2, line.indexOf(' | ')));
    expect(documented.sort()).toEqual(RULES.map(([rule]) => rule).sort());
  });
});
