// One SQS record body (an EventBridge "AWS API Call via CloudTrail" event for ecs:UpdateService)
// -> the scaling result it reports. Reads only the few fields it needs: the record's
// responseElements (the whole ECS service, ~30 KB) is never walked.

export type ScalingAction = 'Scale Up' | 'Scale Down' | 'Update';

export interface ScalingResult {
  /** CloudTrail eventID: the same call delivered twice has the same one. */
  eventId: string;
  service: string;
  cluster: string;
  /** Absent when the call changed something other than the count. */
  desiredCount?: number;
  action: ScalingAction;
  succeeded: boolean;
  /** `errorCode: errorMessage` of a failed call. */
  error?: string;
  /** ISO-8601 time of the call (CloudTrail eventTime). */
  eventTime: string;
}

/** A record that is not a readable UpdateService event; the reason names what is wrong. */
export class UnreadableRecord extends Error {
  override readonly name = 'UnreadableRecord';
}

type Json = Record<string, unknown>;

export function readScalingResult(body: string): ScalingResult {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    throw new UnreadableRecord(`body is not JSON (${body.length} characters)`);
  }
  const detail = objectAt(event, 'detail');
  const detailType = valueAt(event, 'detail-type');
  if (detailType !== 'AWS API Call via CloudTrail' || detail?.eventName !== 'UpdateService') {
    throw new UnreadableRecord(
      `not a CloudTrail UpdateService event (detail-type ${describe(detailType)}, eventName ${describe(detail?.eventName)})`,
    );
  }
  const eventId = stringAt(detail, 'eventID');
  const eventTime = stringAt(detail, 'eventTime') ?? stringAt(event, 'time');
  const request = objectAt(detail, 'requestParameters');
  const service = stringAt(request, 'service');
  if (!eventId) throw new UnreadableRecord('detail.eventID is missing');
  if (!service) throw new UnreadableRecord(`detail.requestParameters.service is missing (eventID ${eventId})`);
  if (!eventTime || Number.isNaN(Date.parse(eventTime))) {
    throw new UnreadableRecord(`detail.eventTime is missing or not a time (eventID ${eventId})`);
  }
  const count = request?.desiredCount;
  const desiredCount = typeof count === 'number' && Number.isInteger(count) && count >= 0 ? count : undefined;
  const errorCode = stringAt(detail, 'errorCode');
  return {
    eventId,
    service: lastSegment(service),
    cluster: lastSegment(stringAt(request, 'cluster') ?? 'default'),
    ...(desiredCount === undefined ? {} : { desiredCount }),
    action: desiredCount === undefined ? 'Update' : desiredCount > 0 ? 'Scale Up' : 'Scale Down',
    succeeded: !errorCode,
    ...(errorCode ? { error: `${errorCode}: ${stringAt(detail, 'errorMessage') ?? '(no message)'}` } : {}),
    eventTime: new Date(eventTime).toISOString(),
  };
}

/** `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>` (or `service/<name>`) -> `<name>`. */
export function lastSegment(nameOrArn: string): string {
  return nameOrArn.startsWith('arn:') ? (nameOrArn.split('/').pop() ?? nameOrArn) : nameOrArn;
}

function valueAt(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Json)[key] : undefined;
}

function objectAt(value: unknown, key: string): Json | undefined {
  const found = valueAt(value, key);
  return typeof found === 'object' && found !== null && !Array.isArray(found) ? (found as Json) : undefined;
}

function stringAt(value: unknown, key: string): string | undefined {
  const found = valueAt(value, key);
  return typeof found === 'string' && found.trim() !== '' ? found : undefined;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 60)}"` : 'missing';
}
