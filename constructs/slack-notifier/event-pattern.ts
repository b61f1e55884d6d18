// The EventBridge pattern: UpdateService calls recorded by CloudTrail and made by this
// environment's scheduler roles only (manual, console and CI calls do not match).

/** EventBridge's default event pattern size (characters); raising it needs a quota increase. */
export const EVENT_PATTERN_LIMIT = 2048;

export interface SchedulerCallers {
  accountId: string;
  roleNames: string[];
  /** `-scheduler-role-<env>`: every scheduler role name ends with it. */
  roleNameSuffix: string;
}

export function updateServicePattern(callers: SchedulerCallers): Record<string, unknown> {
  const pattern = (userName: unknown[]) => ({
    source: ['aws.ecs'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['ecs.amazonaws.com'],
      eventName: ['UpdateService'],
      userIdentity: {
        type: ['AssumedRole'],
        sessionContext: { sessionIssuer: { type: ['Role'], accountId: [callers.accountId], userName } },
      },
    },
  });
  const exact = pattern([...callers.roleNames].sort());
  // Size with a real 12-digit account ID in place of the token.
  const size = JSON.stringify(exact).replace(callers.accountId, '123456789012').length;
  return size <= EVENT_PATTERN_LIMIT ? exact : pattern([{ suffix: callers.roleNameSuffix }]);
}
