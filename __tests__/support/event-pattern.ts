// Evaluates an EventBridge event pattern against an event, for the operators this project's rules
// use: lists of exact strings. Any operator (suffix, prefix, wildcard, ...) throws, so a rule that
// starts using one cannot pass the tests by accident.

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((allowed) => matchesValue(allowed, event));
  if (!isObject(pattern)) throw new Error(`unsupported pattern node: ${JSON.stringify(pattern)}`);
  if (!isObject(event)) return false;
  return Object.entries(pattern).every(([key, sub]) => key in event && matchesPattern(sub, event[key]));
}

function matchesValue(allowed: unknown, value: unknown): boolean {
  if (typeof allowed === 'string') return value === allowed;
  throw new Error(`unsupported pattern operator: ${JSON.stringify(allowed)}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A CloudTrail UpdateService event as EventBridge delivers it, made by the given role of `account`. */
export function updateServiceEvent(roleName: string, account = '123456789012') {
  return {
    source: 'aws.ecs',
    'detail-type': 'AWS API Call via CloudTrail',
    detail: {
      eventSource: 'ecs.amazonaws.com',
      eventName: 'UpdateService',
      userIdentity: {
        type: 'AssumedRole',
        sessionContext: { sessionIssuer: { type: 'Role', accountId: account, userName: roleName } },
      },
    },
  };
}
