// "Maybe delivered" for alarms: each post is recorded by SNS MessageId in the deliveries table, so
// Lambda's 2 retries of a failed invocation and SNS's redeliveries never post an alarm blindly. At
// most 2 copies of one alarm in any single fault, the 2nd saying it may repeat. Against dynalite and
// the local Slack; the table and its IAM checked in the synthesized stack.
import { Logger } from '@aws-lambda-powertools/logger';
import type { SNSEvent } from 'aws-lambda';
import { AlertDeliveryError, createHandler, type HandlerDeps } from '../functions/alert-service/handler';
import { MAY_REPEAT_NOTE } from '../functions/shared/repeat-note';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import { startLocalDeliveriesTable, type LocalWaveTable } from '../scripts/local-wave-table';
import { fakeContext, fixture } from './support/alert-service';
import { crashAt } from './support/crash';
import { testEnvironment } from './support/environment-builder';
import { capturing } from './support/lambda';
import { decodeJsonencode } from './support/jsonencode';
import { type FakeSlack, startFakeSlack } from './support/slack-server';
import { resourceOf, synthJson } from './support/synth';

const START = Date.UTC(2026, 10, 23, 1, 0);
/** Lambda's first retry of a failed asynchronous invocation comes about a minute later. */
const RETRY_GAP_MS = 60_000;

let table: LocalWaveTable;
let slack: FakeSlack;
beforeEach(async () => {
  [table, slack] = await Promise.all([startLocalDeliveriesTable(), startFakeSlack()]);
});
afterEach(() => Promise.all([table.close(), slack.close()]));

function alertHandler(deps: HandlerDeps = {}) {
  const clock = { now: START };
  const handler = createHandler({
    webhookUrl: fixedWebhookUrl(slack.url),
    settings: { environment: 'dev', displayTimeZone: 'Asia/Seoul', deliveriesTable: table.tableName },
    delivery: { baseBackoffMs: 5, maxBackoffMs: 10 },
    dynamodb: table.client,
    now: () => clock.now,
    logger: new Logger({ logLevel: 'SILENT' }),
    ...deps,
  });
  return { handler, clock };
}

const alarm = (): SNSEvent => fixture('aurora-cpu-alarm');
const noted = () => slack.posts.map((post) => (post.json as { text: string }).text.startsWith(MAY_REPEAT_NOTE));

it('Slack takes every post and drops the connection: the invocation and its 2 Lambda retries post 2 copies in all, the 2nd noted', async () => {
  slack.answer({ status: 200, drop: true });
  const { handler, clock } = alertHandler();

  for (let attempt = 1; attempt <= 3; attempt++) {
    await expect(handler(alarm(), fakeContext())).rejects.toThrow(AlertDeliveryError);
    clock.now += RETRY_GAP_MS;
  }

  expect(slack.posts).toHaveLength(2);
  expect(noted()).toEqual([false, true]);
});

it('the same alarm again after Slack took it (a Lambda retry, an SNS redelivery): not posted again', async () => {
  const { handler } = alertHandler();

  expect(await handler(alarm(), fakeContext())).toEqual({ records: 1, delivered: 1 });
  expect(await handler(alarm(), fakeContext())).toEqual({ records: 1, delivered: 1 });

  expect(slack.posts).toHaveLength(1);
});

it("a clean refusal keeps today's behaviour: 500 every time fails each try with no note, and posts once Slack is back", async () => {
  slack.answer({ status: 500, body: 'internal_error' });
  const { handler, clock } = alertHandler({ delivery: { maxAttempts: 2, baseBackoffMs: 5 } });

  await expect(handler(alarm(), fakeContext())).rejects.toThrow(/HTTP 500/);
  clock.now += RETRY_GAP_MS;
  slack.answer({ status: 200 });
  expect(await handler(alarm(), fakeContext())).toEqual({ records: 1, delivered: 1 });

  expect(slack.posts).toHaveLength(3);
  expect(noted()).toEqual([false, false, false]);
});

it('the function stops after Slack answered 200, before recording it: the retry posts once more, noted; then no more', async () => {
  const crashing = crashAt(table.client, (input) => String(input.UpdateExpression).startsWith('SET #delivered'));
  const first = alertHandler({ dynamodb: crashing.client });
  void first.handler(alarm(), fakeContext());
  await crashing.crashed;
  expect(slack.posts).toHaveLength(1);

  // Lambda retries the event a minute after the invocation's timeout: its lease may still be running on a
  // host whose clock is behind, so that retry fails and the next one, 2 minutes later, takes it over.
  const retry = alertHandler();
  retry.clock.now = START + 30_000 + RETRY_GAP_MS;
  await expect(retry.handler(alarm(), fakeContext(4_000))).rejects.toThrow(/seems to have stopped/);
  retry.clock.now += 2 * RETRY_GAP_MS;
  expect(await retry.handler(alarm(), fakeContext())).toEqual({ records: 1, delivered: 1 });
  expect(await retry.handler(alarm(), fakeContext())).toEqual({ records: 1, delivered: 1 });

  expect(slack.posts).toHaveLength(2);
  expect(noted()).toEqual([false, true]);
});

it('the deliveries table unreachable: the alarm is still posted (availability first), and the log says a retry may repeat it', async () => {
  const broken = alertHandler({
    dynamodb: { send: () => Promise.reject(new Error('ResourceNotFoundException')) } as never,
    logger: undefined,
  });

  const { result, output } = await capturing(() => broken.handler(alarm(), fakeContext()));

  expect(result).toEqual({ records: 1, delivered: 1 });
  expect(slack.posts).toHaveLength(1);
  expect(output.text()).toContain('Delivery record unavailable; posting without it (a retry may repeat this alarm)');
});

describe('in the synthesized stack', () => {
  const json = synthJson(testEnvironment({ name: 'qa', cloudwatch: { team: 'qteam' } }));

  it('a deliveries table keyed by SNS MessageId, with TTL and encryption', () => {
    expect(resourceOf(json, 'aws_dynamodb_table', 'cloudwatch_alert_deliveries')).toMatchObject({
      name: 'qteam-alert-deliveries-qa',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'messageId',
      attribute: [{ name: 'messageId', type: 'S' }],
      ttl: { attribute_name: 'expiresAt', enabled: true },
      server_side_encryption: { enabled: true },
    });
  });

  it('the function may only get and update items of that one table, and is told its name', () => {
    const policy = resourceOf(json, 'aws_iam_role_policy', 'cloudwatch_alert_deliveries_policy');
    expect(policy.role).toBe('${aws_iam_role.cloudwatch_alert_exec.id}');
    expect(decodeJsonencode(policy.policy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'RecordDeliveries',
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
          Resource: '${aws_dynamodb_table.cloudwatch_alert_deliveries.arn}',
        },
      ],
    });
    const fn = resourceOf(json, 'aws_lambda_function', 'cloudwatch_alert_service') as {
      environment: { variables: Record<string, string> };
      depends_on: string[];
    };
    expect(fn.environment.variables.DELIVERIES_TABLE).toBe('qteam-alert-deliveries-qa');
    expect(fn.depends_on).toContain('aws_iam_role_policy.cloudwatch_alert_deliveries_policy');
  });
});
