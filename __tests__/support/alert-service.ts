// Helpers for the alert-service tests: fixtures, a Lambda context with a chosen remaining time,
// and a capture of everything written to stdout/stderr (where Powertools Logger writes).
import type { MessageAttachment } from '@slack/types';
import type { Context, SNSEvent } from 'aws-lambda';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lambdaContext } from './lambda';

export const FIXTURES = path.join(__dirname, '..', 'fixtures', 'alert-service');

export function fixture(name: string): SNSEvent {
  return JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as SNSEvent;
}

/** An SNS event whose first record carries `message` (a string, or an object sent as JSON). */
export function withMessage(message: unknown, subject: string | null = 'test'): SNSEvent {
  const event = fixture('aurora-cpu-alarm');
  const sns = event.Records[0]!.Sns as { Message: string; Subject: string | null };
  sns.Message = typeof message === 'string' ? message : JSON.stringify(message);
  sns.Subject = subject;
  return event;
}

/** The parsed alarm JSON of a fixture, to vary one field. */
export function alarmOf(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name).Records[0]!.Sns.Message) as Record<string, unknown>;
}

export function fakeContext(remainingMs = 30_000): Context {
  return lambdaContext('ott-alert-service-dev', remainingMs);
}

export interface PostedMessage {
  text: string;
  attachments: (MessageAttachment & { fields: { title: string; value: string; short?: boolean }[] })[];
}

export function fieldOf(message: PostedMessage, title: string): string | undefined {
  return message.attachments[0]?.fields.find((f) => f.title === title)?.value;
}

export { captureOutput } from './lambda';
