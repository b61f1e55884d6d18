// Slack's failure modes, one table, both functions, against the real 127.0.0.1 Slack stand-in: what
// each one does (retry, fail the batch so SQS retries it, or give up at once with a clear log).
import type { SNSEvent } from 'aws-lambda';
import { AlertDeliveryError, createHandler as alertService } from '../functions/alert-service/handler';
import type { DeliveryTuning } from '../functions/shared/deliver';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import { startLocalWaveTable } from '../scripts/local-wave-table';
import { fixture } from './support/alert-service';
import { messageIds, sqsEventFor } from './support/cloudtrail-events';
import { capturing, lambdaContext } from './support/lambda';
import {
  recordWait,
  refusedUrl,
  startFakeSlack,
  type FakeSlack,
  type ScriptedAnswer,
  WEBHOOK_PATH,
} from './support/slack-server';
import { manifestFor, waveHandler } from './support/waves';

type Outcome = 'delivered' | 'batch fails';

interface Fault {
  fault: string;
  answers: ScriptedAnswer[];
  refused?: true;
  outcome: Outcome;
  /** Requests Slack receives. */
  requests: number;
  /** What the log says (failures only). */
  log?: RegExp;
  /** Waits the code asked for between attempts. */
  waits?: number[];
  /** Only where no answer ever comes is a short attempt timeout safe on a loaded machine. */
  attemptTimeoutMs?: number;
}

const MAX_ATTEMPTS = 3;
/** A local answer's time to arrive on a loaded 2-core machine, with room to spare. */
const PROMPT_ANSWER_TIMEOUT_MS = 5_000;
const FAULTS: Fault[] = [
  { fault: 'connection refused', answers: [], refused: true, outcome: 'batch fails', requests: 0, log: /ECONNREFUSED/ },
  {
    // Sent, no answer: Slack may have posted it, so it is retried once only (with the note).
    fault: 'timeout (no answer within the attempt timeout)',
    answers: [{ status: 200, delayMs: 60_000 }],
    attemptTimeoutMs: 150,
    outcome: 'batch fails',
    requests: 2,
    log: /may have posted the message: 2 attempt\(s\) were sent and got no answer/,
  },
  {
    fault: 'post taken, then the connection dropped',
    answers: [{ status: 200, drop: true }],
    outcome: 'batch fails',
    requests: 2,
    log: /may have posted the message: 2 attempt\(s\) were sent and got no answer \(last: connection lost after the request was sent/,
  },
  {
    fault: '400 invalid_payload',
    answers: [{ status: 400, body: 'invalid_payload' }],
    outcome: 'batch fails',
    requests: 1,
    log: /HTTP 400 invalid_payload/,
  },
  {
    fault: '403 invalid_token',
    answers: [{ status: 403, body: 'invalid_token' }],
    outcome: 'batch fails',
    requests: 1,
    log: /HTTP 403 invalid_token/,
  },
  {
    fault: '404 no_service',
    answers: [{ status: 404, body: 'no_service' }],
    outcome: 'batch fails',
    requests: 1,
    log: /HTTP 404 no_service/,
  },
  {
    fault: '410 channel_is_archived',
    answers: [{ status: 410, body: 'channel_is_archived' }],
    outcome: 'batch fails',
    requests: 1,
    log: /HTTP 410 channel_is_archived/,
  },
  {
    fault: '429 with Retry-After: 2, then 200',
    answers: [{ status: 429, body: 'rate_limited', headers: { 'retry-after': '2' } }, { status: 200 }],
    outcome: 'delivered',
    requests: 2,
    waits: [2_000],
  },
  {
    fault: '429 without Retry-After, then 200',
    answers: [{ status: 429, body: 'rate_limited' }, { status: 200 }],
    outcome: 'delivered',
    requests: 2,
  },
  { fault: '500 once, then 200', answers: [{ status: 500 }, { status: 200 }], outcome: 'delivered', requests: 2 },
  {
    fault: '500 every time',
    answers: [{ status: 500, body: 'internal_error' }],
    outcome: 'batch fails',
    requests: MAX_ATTEMPTS,
    log: /HTTP 500/,
  },
];

let slack: FakeSlack;
let refused: string;
beforeAll(async () => {
  [slack, refused] = await Promise.all([startFakeSlack(), refusedUrl()]);
});
afterAll(() => slack.close());

function setUp(fault: Fault): { url: string; waits: number[]; delivery: DeliveryTuning } {
  slack.posts.length = 0;
  slack.answer(...(fault.answers.length > 0 ? fault.answers : [{ status: 200 }]));
  const waits: number[] = [];
  const delivery: DeliveryTuning = {
    baseBackoffMs: 5,
    maxBackoffMs: 10,
    attemptTimeoutMs: fault.attemptTimeoutMs ?? PROMPT_ANSWER_TIMEOUT_MS,
    maxAttempts: MAX_ATTEMPTS,
    sleep: (ms) => recordWait(waits, ms),
  };
  return { url: fault.refused ? refused : slack.url, waits, delivery };
}

function expectRetries(fault: Fault, waits: number[]): void {
  expect(slack.posts).toHaveLength(fault.requests);
  if (fault.waits) expect(waits).toEqual(fault.waits);
  if (fault.outcome === 'delivered') expect(waits).toHaveLength(fault.requests - 1);
}

describe.each(FAULTS)('Slack: $fault', (fault) => {
  it(`slack-notifier: ${fault.outcome === 'delivered' ? 'retries and posts the summary' : 'returns every record of the wave to the queue, with the reason in the log'}`, async () => {
    const { url, waits, delivery } = setUp(fault);
    const table = await startLocalWaveTable();
    try {
      const event = sqsEventFor([{ service: 'nestjs' }, { service: 'python-api' }]);
      const { handler } = waveHandler(table, url, manifestFor(['nestjs', 'python-api']), {
        delivery,
        logger: undefined,
      });
      const { result, output } = await capturing(() => handler(event, lambdaContext('slack-notifier', 30_000)));

      expectRetries(fault, waits);
      expect(output.text()).not.toContain(WEBHOOK_PATH);
      if (fault.outcome === 'delivered') {
        expect(result).toEqual({ batchItemFailures: [] });
      } else {
        expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(messageIds(event));
        expect(output.text()).toContain("Summary not delivered; the wave's records return to the queue");
        expect(output.text()).toMatch(fault.log!);
      }
    } finally {
      await table.close();
    }
  });

  it(`alert-service: ${fault.outcome === 'delivered' ? 'retries and delivers the alarm' : 'fails the invocation (Lambda retries it, then keeps it in the failures queue), with the reason in the log'}`, async () => {
    const { url, waits, delivery } = setUp(fault);
    const handler = alertService({
      webhookUrl: fixedWebhookUrl(url),
      settings: { environment: 'dev', displayTimeZone: 'Asia/Seoul' },
      delivery,
    });
    const event: SNSEvent = fixture('aurora-cpu-alarm');
    const { result, output } = await capturing(() =>
      handler(event, lambdaContext('ott-alert-service-dev', 30_000)).then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    );

    expectRetries(fault, waits);
    expect(output.text()).not.toContain(WEBHOOK_PATH);
    if (fault.outcome === 'delivered') {
      expect(result).toEqual({ value: { records: 1, delivered: 1 } });
    } else {
      expect(result).toEqual({ error: expect.any(AlertDeliveryError) });
      expect(output.text()).toMatch(fault.log!);
    }
  });
});
