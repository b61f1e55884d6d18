// The fault matrix's world: a scaling wave, a late wave and an alarm driven as SQS and Lambda drive them
// (re-receives after the visibility timeout, then the DLQ; the deadline close and Lambda's 2 retries;
// an alarm's invocation and its 2 retries), against one local waves / deliveries table and the local
// Slack, with one fault injected at a chosen DynamoDB call: refused (throttled), the invocation dying
// there, or the write applied and its answer lost. What Slack took is then counted per message.
import { Logger } from '@aws-lambda-powertools/logger';
import { type DynamoDBClient, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import type { Context, SNSEvent } from 'aws-lambda';
import { waveManifest } from '../../constructs/slack-notifier/wave-manifest';
import { parseEnvironment } from '../../environments';
import { createHandler as alertService } from '../../functions/alert-service/handler';
import { MAY_REPEAT_NOTE } from '../../functions/shared/repeat-note';
import { fixedWebhookUrl } from '../../functions/shared/webhook-url';
import { createHandler as notifier } from '../../functions/slack-notifier/handler';
import type { WaveManifest } from '../../functions/slack-notifier/waves';
import type { LocalWaveTable } from '../../scripts/local-wave-table';
import { fixture } from './alert-service';
import { sqsEventFor } from './cloudtrail-events';
import { steadyEcs } from './ecs';
import { testEnvironment } from './environment-builder';
import { lambdaContext } from './lambda';
import { type FakeSlack, inChannel } from './slack-server';

export type DynamoFault = 'throttled' | 'crash' | 'answer lost';

export interface Fault {
  /** The n-th DynamoDB call of the run (1-based) fails. */
  at: number;
  kind: DynamoFault;
}

/** A client whose `at`-th call fails as `kind`; `calls()` counts every call made. */
export function faultyClient(client: DynamoDBClient, fault?: Fault) {
  let calls = 0;
  let crash: () => void = () => undefined;
  const crashed = new Promise<void>((resolve) => (crash = resolve));
  const send = async (command: never) => {
    calls += 1;
    if (calls !== fault?.at) return client.send(command);
    if (fault.kind === 'throttled') {
      throw new ProvisionedThroughputExceededException({ message: 'Rate exceeded (injected)', $metadata: {} });
    }
    if (fault.kind === 'crash') {
      crash();
      return new Promise<never>(() => undefined);
    }
    await client.send(command);
    throw Object.assign(new Error('socket hang up (injected, after the write)'), { name: 'TimeoutError' });
  };
  return { client: { send } as unknown as DynamoDBClient, calls: () => calls, crashed };
}

/** Monday 2026-11-23 09:00 KST. */
export const NOMINAL = Date.UTC(2026, 10, 23, 0, 0);
const VISIBILITY_MS = 660_000;
const MAX_RECEIVES = 3;
const CONTEXT_MS = 10_000;
const context = (name: string): Context => lambdaContext(name, CONTEXT_MS);
const silent = () => new Logger({ logLevel: 'SILENT' });

/** Services of cluster `apps` scaled at 09:00 KST (the matrix: `api` and `worker`), as the stack packages them. */
export function matrixManifest(services = ['api', 'worker']): WaveManifest {
  return waveManifest(
    parseEnvironment(
      testEnvironment({
        scheduler: { scaleUp: { time: '09:00' }, services: services.map((service) => ({ cluster: 'apps', service })) },
        cloudwatch: { ecsAlarms: undefined },
      }),
    ),
  );
}

export interface RunOutcome {
  /** Invocations that threw (each one a data point of the function's Errors alarm). */
  errors: number;
  /** Messages that ended in a dead-letter or failures queue. */
  deadLettered: number;
  /** DynamoDB calls made by the end of each invocation, in order. */
  callsAfter: number[];
}

interface Delivery {
  at: number;
  kind: 'receive' | 'close' | 'invoke';
  attempt: number;
}

/** Runs deliveries in time order; `invoke` returns whether it failed (to be retried). */
async function drive(
  first: Delivery[],
  clock: { now: number },
  faulty: ReturnType<typeof faultyClient>,
  invoke: (delivery: Delivery) => Promise<'ok' | 'failed' | 'threw'>,
): Promise<RunOutcome> {
  const { crashed } = faulty;
  const pending = [...first];
  const outcome: RunOutcome = { errors: 0, deadLettered: 0, callsAfter: [] };
  let crashSpent = false;
  while (pending.length > 0) {
    pending.sort((a, b) => a.at - b.at);
    const delivery = pending.shift()!;
    clock.now = delivery.at;
    const running = invoke(delivery);
    // A crash leaves the invocation hanging: Lambda ends it at its timeout (a failed invocation).
    const result = crashSpent ? await running : await Promise.race([running, crashed.then(() => 'crashed' as const)]);
    if (result === 'crashed') crashSpent = true;
    outcome.callsAfter.push(faulty.calls());
    const settled = result === 'crashed' ? 'threw' : result;
    if (settled === 'threw') outcome.errors += 1;
    if (settled === 'ok') continue;
    const end = delivery.at + CONTEXT_MS;
    if (delivery.attempt >= MAX_RECEIVES) {
      outcome.deadLettered += 1;
      continue;
    }
    // SQS: after the visibility timeout. Lambda async: about 1, then 2 minutes after the end.
    const next = delivery.kind === 'receive' ? delivery.at + VISIBILITY_MS : end + delivery.attempt * 60_000;
    pending.push({ ...delivery, at: next, attempt: delivery.attempt + 1 });
  }
  return outcome;
}

export interface WaveRun extends RunOutcome {
  calls: number;
}

/**
 * A wave: both calls in one batch at 09:02, the deadline close at 09:20. `late`: the deadline did not
 * run and the batch arrives at 09:40 (returned once, then posted late).
 */
export async function runWave(
  table: LocalWaveTable,
  slack: FakeSlack,
  environment: string,
  options: { late?: boolean; fault?: Fault } = {},
): Promise<WaveRun> {
  const faulty = faultyClient(table.client, options.fault);
  const clock = { now: NOMINAL };
  const handler = notifier({
    webhookUrl: fixedWebhookUrl(slack.url),
    settings: { environment, timeZone: 'Asia/Seoul', tableName: table.tableName },
    delivery: { baseBackoffMs: 5, maxBackoffMs: 10, maxAttempts: 3 },
    manifest: matrixManifest(),
    dynamodb: faulty.client,
    now: () => clock.now,
    logger: silent(),
    onRejected: () => undefined,
    holderWaitMs: 300,
    ecs: steadyEcs(),
  });
  const batch = (attempt: number) =>
    sqsEventFor(
      ['api', 'worker'].map((service, i) => ({
        service,
        cluster: 'apps',
        atSecond: 60 + i,
        eventId: `${environment}-${service}`,
        messageId: `msg-${service}`,
        receiveCount: attempt,
      })),
    );
  const close = {
    closeWave: { action: 'scale-up' as const, scheduledTime: new Date(NOMINAL + 20 * 60_000).toISOString() },
  };
  const first: Delivery[] = options.late
    ? [{ at: NOMINAL + 40 * 60_000, kind: 'receive', attempt: 1 }]
    : [
        { at: NOMINAL + 2 * 60_000, kind: 'receive', attempt: 1 },
        { at: NOMINAL + 20 * 60_000, kind: 'close', attempt: 1 },
      ];
  const outcome = await drive(first, clock, faulty, async (delivery) => {
    try {
      if (delivery.kind === 'close') {
        await handler(close, context('notifier'));
        return 'ok';
      }
      const response = await handler(batch(delivery.attempt), context('notifier'));
      return response.batchItemFailures.length > 0 ? 'failed' : 'ok';
    } catch {
      return 'threw';
    }
  });
  return { ...outcome, calls: faulty.calls() };
}

/**
 * Fault-free duplicates, each pair or more at the same moment: the wave's batch twice (SQS delivers at
 * least once), the deadline close 5 times, an alarm 3 times. The errors the invocations threw.
 */
export async function duplicates(
  waves: LocalWaveTable,
  deliveries: LocalWaveTable,
  slack: FakeSlack,
  environment: string,
): Promise<unknown[]> {
  const clock = { now: NOMINAL + 2 * 60_000 };
  const common = { webhookUrl: fixedWebhookUrl(slack.url), now: () => clock.now, logger: silent() };
  const waveHandler = notifier({
    ...common,
    settings: { environment, timeZone: 'Asia/Seoul', tableName: waves.tableName },
    manifest: matrixManifest(),
    dynamodb: waves.client,
  });
  const alarmHandler = alertService({
    ...common,
    settings: { environment: 'qa', displayTimeZone: 'Asia/Seoul', deliveriesTable: deliveries.tableName },
    dynamodb: deliveries.client,
  });
  const errors: unknown[] = [];
  const all = async (runs: Promise<unknown>[]) =>
    (await Promise.allSettled(runs)).forEach((r) => r.status === 'rejected' && errors.push(r.reason));
  const batch = () =>
    sqsEventFor(
      ['api', 'worker'].map((service, i) => ({
        service,
        cluster: 'apps',
        atSecond: 60 + i,
        eventId: `${environment}-${service}`,
      })),
    );
  await all([waveHandler(batch(), context('notifier')), waveHandler(batch(), context('notifier'))]);
  clock.now = NOMINAL + 20 * 60_000;
  const close = { closeWave: { action: 'scale-up' as const, scheduledTime: new Date(clock.now).toISOString() } };
  await all(Array.from({ length: 5 }, () => waveHandler(close, context('notifier'))));
  const event: SNSEvent = fixture('aurora-cpu-alarm');
  (event.Records[0]!.Sns as { MessageId: string }).MessageId = `${environment}-alarm`;
  await all(Array.from({ length: 3 }, () => alarmHandler(event, context('alert-service'))));
  return errors;
}

/** An alarm: one SNS message, its invocation and Lambda's 2 retries. */
export async function runAlarm(
  table: LocalWaveTable,
  slack: FakeSlack,
  messageId: string,
  fault?: Fault,
): Promise<WaveRun> {
  const faulty = faultyClient(table.client, fault);
  const clock = { now: NOMINAL };
  const handler = alertService({
    webhookUrl: fixedWebhookUrl(slack.url),
    settings: { environment: 'qa', displayTimeZone: 'Asia/Seoul', deliveriesTable: table.tableName },
    delivery: { baseBackoffMs: 5, maxBackoffMs: 10, maxAttempts: 3 },
    dynamodb: faulty.client,
    now: () => clock.now,
    logger: silent(),
    onRejected: () => undefined,
    holderWaitMs: 300,
  });
  const event: SNSEvent = fixture('aurora-cpu-alarm');
  (event.Records[0]!.Sns as { MessageId: string }).MessageId = messageId;
  const outcome = await drive([{ at: NOMINAL, kind: 'invoke', attempt: 1 }], clock, faulty, async () => {
    try {
      await handler(event, context('alert-service'));
      return 'ok';
    } catch {
      return 'threw';
    }
  });
  return { ...outcome, calls: faulty.calls() };
}

interface Posted {
  text: string;
  blocks?: { type: string; text?: { text?: string } }[];
}

/** A posted message without the "may repeat" note: copies of one message compare equal. */
function identity(json: unknown): string {
  const message = structuredClone(json) as Posted;
  message.text = message.text.replace(`${MAY_REPEAT_NOTE}\n`, '');
  message.blocks = message.blocks
    ?.filter((block) => !(block.type === 'context' && JSON.stringify(block).includes(MAY_REPEAT_NOTE)))
    .map((block) =>
      block.text?.text?.startsWith(`*${MAY_REPEAT_NOTE}*\n`)
        ? { ...block, text: { ...block.text, text: block.text.text.slice(MAY_REPEAT_NOTE.length + 3) } }
        : block,
    );
  return JSON.stringify(message);
}

/** Per message in the channel: how many copies, and whether every copy after the first says it may repeat. */
export function copies(slack: FakeSlack): { message: string; copies: number; laterNoted: boolean }[] {
  const seen = new Map<string, { copies: number; laterNoted: boolean }>();
  for (const post of inChannel(slack.posts)) {
    const key = identity(post.json);
    const entry = seen.get(key);
    if (!entry) seen.set(key, { copies: 1, laterNoted: true });
    else {
      entry.copies += 1;
      entry.laterNoted &&= post.body.includes(MAY_REPEAT_NOTE);
    }
  }
  return [...seen.entries()].map(([message, entry]) => ({ message, ...entry }));
}
