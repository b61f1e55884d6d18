// The caller filter stays exact at any size: the scheduler role names are split over several
// EventBridge rules, each within the 2,048-character pattern limit, all sending to the queue, which
// admits exactly those rules. The first rule is the legacy one (name, address, moved block). Proven
// on the slack-notifier module alone, given the role names the ecs-scheduler module gives; that a
// whole stack passes them on is slack-notifier.construct.test.ts's.
import {
  numberedServices,
  TEST_ACCOUNT as ACCOUNT,
  TEST_REGION as REGION,
  testEnvironment,
} from './support/environment-builder';
import { matchesPattern, updateServiceEvent } from './support/event-pattern';
import { decide, OTHER_ACCOUNT, resourcePolicyOf } from './support/iam';
import { decodeJsonencode } from './support/jsonencode';
import { resourceOf, resourcesOf, synthNotifier, type TerraformJson } from './support/synth';

const QUEUE_ARN = '${aws_sqs_queue.slack_notifier_alerts.arn}';
const LEGACY_RULE = 'module.slack_notifier.aws_cloudwatch_event_rule.ecs_update_service';
const LEGACY_TARGET = 'module.slack_notifier.aws_cloudwatch_event_target.send_to_sqs';

/**
 * `count` services named `service-name-001`, ...: 16 characters, about the average of a real catalog,
 * so that the number of rules a count needs is the one such a catalog needs.
 */
const services = (count: number) => numberedServices(count, 'apps-qa', 'service-name');

/** Each rule's pattern as EventBridge sees it (the stack writes the declared account into it). */
function livePatterns(json: TerraformJson): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(resourcesOf(json, 'aws_cloudwatch_event_rule')).map(([id, rule]) => [
      id,
      decodeJsonencode(rule.event_pattern),
    ]),
  );
}

/** Every value in a pattern that is not a plain string in a list: an operator (suffix, prefix, ...). */
function operators(node: unknown): unknown[] {
  if (Array.isArray(node)) return (node as unknown[]).filter((v) => typeof v !== 'string');
  if (node && typeof node === 'object') return Object.values(node as Record<string, unknown>).flatMap(operators);
  return [node];
}

type Issuer = { userName: string[]; accountId: string[] };
const issuerOf = (pattern: unknown): Issuer =>
  (pattern as { detail: { userIdentity: { sessionContext: { sessionIssuer: Issuer } } } }).detail.userIdentity
    .sessionContext.sessionIssuer;
const userNames = (pattern: unknown): string[] => issuerOf(pattern).userName;

const synthesized = new Map<number, TerraformJson>();
/** The slack-notifier module of an environment of `count` services (synthesized once per count). */
function stackWith(count: number): TerraformJson {
  if (!synthesized.has(count)) {
    synthesized.set(count, synthNotifier(testEnvironment({ scheduler: { services: services(count) } })));
  }
  return synthesized.get(count)!;
}

describe.each([20, 50, 500])('with %i services', (count) => {
  const json = stackWith(count);
  const roleNames = services(count).map((s) => `${s.service}-scheduler-role-qa`);
  const patterns = livePatterns(json);
  const rules = resourcesOf(json, 'aws_cloudwatch_event_rule');

  it('keeps every pattern within 2,048 characters', () => {
    for (const pattern of Object.values(patterns)) expect(JSON.stringify(pattern).length).toBeLessThanOrEqual(2048);
  });

  it('lists exactly the scheduler role names, each once, with no suffix, prefix or other operator', () => {
    const listed = Object.values(patterns).flatMap(userNames);
    expect([...listed].sort()).toEqual([...roleNames].sort());
    expect(Object.values(patterns).flatMap(operators)).toEqual([]);
  });

  it('matches a call by every scheduler role, and none by a look-alike role', () => {
    const own = issuerOf(Object.values(patterns)[0]).accountId[0]!;
    const matched = (role: string, account = own) =>
      Object.values(patterns).some((p) => matchesPattern(p, updateServiceEvent(role, account)));
    for (const role of roleNames) expect(matched(role)).toBe(true);
    const otherEnvironment = roleNames[0]!.replace(/-qa$/, '-stg');
    for (const role of ['intruder-scheduler-role-qa', otherEnvironment, 'admin', `x${roleNames[0]}`]) {
      expect(matched(role)).toBe(false);
    }
    expect(matched(roleNames[0]!, '999999999999')).toBe(false);
  });

  it('keeps the first rule at the legacy name and address, with its moved block and target', () => {
    const first = resourceOf(json, 'aws_cloudwatch_event_rule', 'slack_notifier_ecs_update_service');
    expect(first.name).toBe('ecs-scheduler-update-service-qa');
    const moved = (json.moved as { from: string; to: string }[]).filter((m) => /event_(rule|target)/.test(m.to));
    expect(moved).toEqual([
      { from: LEGACY_RULE, to: 'aws_cloudwatch_event_rule.slack_notifier_ecs_update_service' },
      { from: LEGACY_TARGET, to: 'aws_cloudwatch_event_target.slack_notifier_send_to_sqs' },
    ]);
    expect(resourceOf(json, 'aws_cloudwatch_event_target', 'slack_notifier_send_to_sqs')).toMatchObject({
      rule: '${aws_cloudwatch_event_rule.slack_notifier_ecs_update_service.name}',
      target_id: 'SendToSQS',
      arn: QUEUE_ARN,
    });
  });

  it('sends every rule to the queue, one SendToSQS target each, and names each within 64 characters', () => {
    const targets = Object.values(resourcesOf(json, 'aws_cloudwatch_event_target'));
    expect(targets).toHaveLength(Object.keys(rules).length);
    expect(targets.map((t) => t.rule).sort()).toEqual(
      Object.keys(rules)
        .map((id) => `\${aws_cloudwatch_event_rule.${id}.name}`)
        .sort(),
    );
    for (const target of targets) expect(target).toMatchObject({ target_id: 'SendToSQS', arn: QUEUE_ARN });
    for (const rule of Object.values(rules)) expect(String(rule.name).length).toBeLessThanOrEqual(64);
    expect(new Set(Object.values(rules).map((r) => r.name)).size).toBe(Object.keys(rules).length);
  });

  it('lets the queue receive from every rule and from nothing else', async () => {
    const policy = resourcePolicyOf(json, 'aws_sqs_queue_policy', 'slack_notifier_allow_eventbridge');
    const queue = `arn:aws:sqs:${REGION}:${ACCOUNT}:ecs-scheduler-alerts-qa`;
    const send = (sourceArn: string) =>
      decide({
        principal: 'events.amazonaws.com',
        action: 'sqs:SendMessage',
        resource: queue,
        context: { 'aws:SourceArn': sourceArn, 'aws:SecureTransport': 'true' },
        resourcePolicy: policy,
      });
    const ruleArn = (name: string, account = ACCOUNT) => `arn:aws:events:${REGION}:${account}:rule/${name}`;
    for (const rule of Object.values(rules)) expect(await send(ruleArn(String(rule.name)))).toBe('Allowed');
    expect(await send(ruleArn('ecs-scheduler-update-service-999-qa'))).toBe('ImplicitlyDenied');
    expect(await send(ruleArn('ecs-scheduler-update-service-qa', OTHER_ACCOUNT))).toBe('ImplicitlyDenied');
  });
});

it('needs several rules past about 47 services of 16-character names, and only one for 20', () => {
  const count = (n: number) => Object.keys(resourcesOf(stackWith(n), 'aws_cloudwatch_event_rule')).length;
  expect(count(20)).toBe(1);
  expect(count(50)).toBeGreaterThan(1);
  expect(count(500)).toBeGreaterThanOrEqual(10);
});
