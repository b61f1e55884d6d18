// SQS events for the slack-notifier tests, built from the fixtures in fixtures/slack-notifier.
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'slack-notifier');

export function notifierFixture(name: string): SQSEvent {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as SQSEvent;
}

export interface CallSpec {
  service: string;
  /** Default: the fixture's, `terraform-study-dev-cluster`. */
  cluster?: string;
  desiredCount?: number;
  /** Seconds after 2026-11-23T00:00:00Z (09:00 KST). */
  atSecond?: number;
  error?: { code: string; message: string };
  eventId?: string;
  /** Default: `msg-<index>`. A repeat of an event comes in a message of its own. */
  messageId?: string;
  /** SQS's ApproximateReceiveCount; default the fixture's (1). */
  receiveCount?: number;
}

/** One SQS record per call, each a copy of the real-shape scale-up fixture with the call's values. */
export function sqsEventFor(calls: CallSpec[]): SQSEvent {
  const template = notifierFixture('scale-up-success').Records[0]!;
  const envelope = JSON.parse(template.body) as {
    detail: Record<string, unknown> & { requestParameters: Record<string, unknown> };
  };
  return {
    Records: calls.map((call, index): SQSRecord => {
      const event = structuredClone(envelope);
      const time = new Date(Date.UTC(2026, 10, 23, 0, 0, call.atSecond ?? index)).toISOString().replace('.000', '');
      event.detail.requestParameters = {
        ...event.detail.requestParameters,
        service: call.service,
        ...(call.cluster ? { cluster: call.cluster } : {}),
        desiredCount: call.desiredCount ?? 1,
      };
      event.detail.eventID = call.eventId ?? `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
      event.detail.eventTime = time;
      if (call.error) {
        Object.assign(event.detail, {
          errorCode: call.error.code,
          errorMessage: call.error.message,
          responseElements: null,
        });
      }
      return {
        ...template,
        messageId: call.messageId ?? `msg-${index}`,
        body: JSON.stringify(event),
        ...(call.receiveCount === undefined
          ? {}
          : { attributes: { ...template.attributes, ApproximateReceiveCount: String(call.receiveCount) } }),
      };
    }),
  };
}

export function messageIds(event: SQSEvent): string[] {
  return event.Records.map((record) => record.messageId);
}
