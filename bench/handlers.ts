// Handler time for 1, 50 and 10,000 records, in this process, against a Slack server on 127.0.0.1
// (and, for the notifier, an in-memory DynamoDB on 127.0.0.1 holding its waves table).
import type { SNSEvent } from 'aws-lambda';
import { createHandler as alertService } from '../functions/alert-service/handler';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import type { ScalingResult } from '../functions/slack-notifier/cloudtrail';
import { summaryMessages } from '../functions/slack-notifier/summary';
import { startLocalWaveTable } from '../scripts/local-wave-table';
import { fixture } from '../__tests__/support/alert-service';
import { sqsEventFor } from '../__tests__/support/cloudtrail-events';
import { lambdaContext } from '../__tests__/support/lambda';
import { startFakeSlack, type FakeSlack } from '../__tests__/support/slack-server';
import { manifestFor, serviceNames, waveHandler } from '../__tests__/support/waves';
import { median } from './measure';

export const RECORD_COUNTS = [1, 50, 10_000] as const;

interface Prepared {
  /** The timed part: one invocation. */
  run: () => Promise<void>;
  cleanup?: () => Promise<void>;
}
/** Builds the event and whatever the run needs, untimed. */
type Prepare = (records: number, slack: FakeSlack) => Promise<Prepared>;

export type HandlerTimings = Record<string, Record<number, { median: number; runs: number[] }>>;

/** The largest wave the config allows comfortably (one wave's DynamoDB item stays far below 400 KB). */
export const LARGEST_WAVE = 500;

/**
 * One wave, all of it in one batch: the function records it and posts the summary. Up to 500
 * records, one per service; beyond, a 500-service wave whose calls SQS delivered several times over
 * (each repeat carries its call's eventID).
 */
const slackNotifierRun: Prepare = async (n, slack) => {
  const table = await startLocalWaveTable(); // a fresh table: each run completes a new wave
  const services = serviceNames(Math.min(n, LARGEST_WAVE));
  const event = sqsEventFor(
    Array.from({ length: n }, (_, i) => {
      const call = i % services.length;
      return {
        service: services[call]!,
        atSecond: call % 300,
        eventId: `00000000-0000-4000-8000-${String(call).padStart(12, '0')}`,
      };
    }),
  );
  const { handler } = waveHandler(table, slack.url, manifestFor(services));
  return {
    run: async () => {
      const posts = slack.posts.length;
      const result = await handler(event, lambdaContext('slack-notifier', 600_000));
      if (result.batchItemFailures.length > 0 || slack.posts.length === posts) {
        throw new Error(`slack-notifier did not summarize the ${n}-service wave in the benchmark`);
      }
    },
    cleanup: () => table.close(),
  };
};

function alertServiceRun(webhookUrl: string): Prepare {
  const handler = alertService({ webhookUrl: fixedWebhookUrl(webhookUrl) });
  const record = fixture('aurora-cpu-alarm').Records[0]!;
  return (n) => {
    const event: SNSEvent = { Records: Array.from({ length: n }, () => record) };
    return Promise.resolve({
      run: async () => {
        await handler(event, lambdaContext('alert-service', 900_000));
      },
    });
  };
}

/** The summary alone: 10,000 different results into Slack messages (what the budget names). */
export function summaryFigures(results: number, runs: number): { median: number; runs: number[]; messages: number } {
  const wave: ScalingResult[] = Array.from({ length: results }, (_, i) => ({
    eventId: `e-${i}`,
    service: `svc-${String(i).padStart(5, '0')}`,
    cluster: 'terraform-study-dev-cluster',
    desiredCount: 1,
    action: 'Scale Up',
    succeeded: i % 97 !== 0,
    ...(i % 97 === 0 ? { error: 'ThrottlingException: Rate exceeded' } : {}),
    eventTime: new Date(Date.UTC(2026, 10, 23, 0, 0, i % 300)).toISOString(),
  }));
  const times: number[] = [];
  let messages = 0;
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    messages = summaryMessages({
      environment: 'dev',
      timeZone: 'Asia/Seoul',
      wave: 'Scale-up 09:00 KST',
      results: wave,
    }).length;
    times.push(Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10);
  }
  return { median: median(times), runs: times, messages };
}

async function time(prepare: Prepare, records: number, runs: number, slack: FakeSlack) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { run, cleanup } = await prepare(records, slack);
    try {
      const start = process.hrtime.bigint();
      await run();
      times.push(Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10);
    } finally {
      await cleanup?.();
    }
  }
  return { median: median(times), runs: times };
}

export async function handlerFigures(runs: number): Promise<HandlerTimings> {
  const slack = await startFakeSlack();
  process.env.ENVIRONMENT = 'dev';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT'; // keep the table readable; logging is not what is measured
  try {
    const prepares: Record<string, Prepare> = {
      'slack-notifier': slackNotifierRun,
      'alert-service': alertServiceRun(slack.url),
    };
    const figures: HandlerTimings = {};
    for (const [name, prepare] of Object.entries(prepares)) {
      figures[name] = {};
      for (const records of RECORD_COUNTS) {
        figures[name][records] = await time(prepare, records, records === 10_000 ? Math.min(runs, 3) : runs, slack);
      }
    }
    return figures;
  } finally {
    await slack.close();
  }
}
