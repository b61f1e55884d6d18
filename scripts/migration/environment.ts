// Which environment a legacy state belongs to: the `Environment` tag the legacy ecs-scheduler and
// slack-notifier modules put on their roles, queue and function.
import type { StateResource } from './state-file';

export function environmentsInState(resources: StateResource[]): Map<string, string> {
  const found = new Map<string, string>(); // environment -> an example address
  for (const r of resources) {
    if (r.mode !== 'managed' || r.address.startsWith('module.cloudwatch.')) continue;
    const tags = r.attributes.tags as Record<string, unknown> | null | undefined;
    const environment = tags?.Environment;
    if (typeof environment === 'string' && !found.has(environment)) found.set(environment, r.address);
  }
  return found;
}

/** Undefined when the state fits the stack, else why not. */
export function environmentMismatch(stack: string, resources: StateResource[]): string | undefined {
  const others = [...environmentsInState(resources)].filter(([environment]) => environment !== stack);
  if (others.length === 0) return undefined;
  const [environment, example] = others[0]!;
  return `the state belongs to environment "${environment}" (${example} is tagged Environment=${environment}), not to stack "${stack}": pull the state of the ${stack} workspace, or run the check with --stack ${environment}`;
}
