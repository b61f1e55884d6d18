// Handler time for 1, 50 and 10,000 records, in this process, against a local Slack server.
import type { SNSEvent } from 'aws-lambda';
import { createHandler as alertService } from '../functions/alert-service/handler';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import { createHandler as slackNotifier } from '../functions/slack-notifier/handler';
import { fixture } from '../__tests__/support/alert-service';
import { sqsEventFor } from '../__tests__/support/cloudtrail-events';
import { lambdaContext } from '../__tests__/support/lambda';
import { startFakeSlack } from '../__tests__/support/slack-server';
import { median } from './measure';

export const RECORD_COUNTS = [1, 50, 10_000] as const;

/** Builds the event for a record count (not timed), then returns the timed invocation. */
type Invoke = (records: number) => () => Promise<void>;

async function timeHandler(invoke: Invoke, records: number, runs: number): Promise<{ median: number; runs: number[] }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = invoke(records);
    const start = process.hrtime.bigint();
    await run();
    times.push(Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10);
  }
  return { median: median(times), runs: times };
}

function snsEventOf(records: number): SNSEvent {
  const record = fixture('aurora-cpu-alarm').Records[0]!;
  return { Records: Array.from({ length: records }, () => record) };
}

export async function handlerFigures(
  runs: number,
): Promise<Record<string, Record<number, { median: number; runs: number[] }>>> {
  const slack = await startFakeSlack();
  process.env.ENVIRONMENT = 'dev';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT'; // keep the table readable; logging is not what is measured
  try {
    const webhookUrl = fixedWebhookUrl(slack.url);
    const notifier = slackNotifier({ webhookUrl });
    const alerts = alertService({ webhookUrl });
    const invokers: Record<string, Invoke> = {
      'slack-notifier': (n) => {
        const event = sqsEventFor(Array.from({ length: n }, (_, i) => ({ service: `svc-${i}` })));
        return async () => {
          const result = await notifier(event, lambdaContext('slack-notifier', 60_000));
          if (result.batchItemFailures.length > 0) throw new Error('slack-notifier reported failures in the benchmark');
        };
      },
      'alert-service': (n) => {
        const event = snsEventOf(n);
        return async () => {
          await alerts(event, lambdaContext('alert-service', 900_000));
        };
      },
    };
    const figures: Record<string, Record<number, { median: number; runs: number[] }>> = {};
    for (const [name, invoke] of Object.entries(invokers)) {
      figures[name] = {};
      for (const records of RECORD_COUNTS) {
        figures[name][records] = await timeHandler(invoke, records, records === 10_000 ? Math.min(runs, 3) : runs);
      }
    }
    return figures;
  } finally {
    await slack.close();
  }
}
