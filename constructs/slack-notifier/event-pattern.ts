// The EventBridge patterns: UpdateService calls recorded by CloudTrail and made by this environment's
// scheduler roles only (manual, console and CI calls do not match). Each role is listed by its exact
// name; a list too long for one pattern is split over several, one rule each, never widened to a
// suffix or prefix match (which would admit any role of the account named that way).

/** EventBridge's default event pattern size (characters); raising it needs a quota increase. */
export const EVENT_PATTERN_LIMIT = 2048;

/** A real account ID is 12 digits: patterns are sized with one in place of the Terraform token. */
const SIZING_ACCOUNT_ID = '123456789012';

export interface SchedulerCallers {
  accountId: string;
  roleNames: string[];
}

function pattern(accountId: string, userName: string[]): Record<string, unknown> {
  return {
    source: ['aws.ecs'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: {
      eventSource: ['ecs.amazonaws.com'],
      eventName: ['UpdateService'],
      userIdentity: {
        type: ['AssumedRole'],
        sessionContext: { sessionIssuer: { type: ['Role'], accountId: [accountId], userName } },
      },
    },
  };
}

/** The pattern's size as EventBridge counts it, with a 12-digit account ID. */
export function patternSize(value: unknown, accountId: string): number {
  return JSON.stringify(value).split(accountId).join(SIZING_ACCOUNT_ID).length;
}

/**
 * One pattern per rule: the sorted role names, filled greedily, each pattern within the limit.
 * Deterministic for a given set of names; the first pattern goes to the legacy rule.
 */
export function updateServicePatterns(callers: SchedulerCallers): Record<string, unknown>[] {
  const names = [...new Set(callers.roleNames)].sort();
  const groups: string[][] = [];
  let current: string[] = [];
  for (const name of names) {
    const candidate = [...current, name];
    if (
      current.length > 0 &&
      patternSize(pattern(callers.accountId, candidate), callers.accountId) > EVENT_PATTERN_LIMIT
    ) {
      groups.push(current);
      current = [name];
    } else {
      current = candidate;
    }
  }
  groups.push(current);
  return groups.map((group) => {
    const result = pattern(callers.accountId, group);
    if (patternSize(result, callers.accountId) > EVENT_PATTERN_LIMIT) {
      throw new Error(
        `role name "${group[0]}" alone makes an event pattern longer than ${EVENT_PATTERN_LIMIT} characters`,
      );
    }
    return result;
  });
}
