// The shipped environments (environments/*.ts), for the live-config checks only: code tests build
// their own (support/environment-builder.ts). LIVE_ENVIRONMENTS=dev,stg limits a run to those
// environments (npm run preflight checks one); the others' checks are skipped, not dropped, so
// their reviewed snapshots are not reported obsolete.
import { ENVIRONMENT_INPUTS, type EnvironmentInput } from '../../environments';

export const SELECTION_VARIABLE = 'LIVE_ENVIRONMENTS';

export interface ShippedEnvironment {
  name: string;
  input: EnvironmentInput;
  selected: boolean;
}

export function shippedEnvironments(): ShippedEnvironment[] {
  const wanted = process.env[SELECTION_VARIABLE]?.split(',').filter(Boolean);
  const names = ENVIRONMENT_INPUTS.map((input) => input.name);
  const unknown = (wanted ?? []).filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `${SELECTION_VARIABLE}: no environment ${unknown.join(', ')}; the environments are ${names.join(', ')}`,
    );
  }
  return ENVIRONMENT_INPUTS.map((input) => ({
    name: input.name,
    input,
    selected: wanted === undefined || wanted.includes(input.name),
  }));
}

/** `describe` for a selected environment, `describe.skip` for the others. */
export function describeEachShipped(body: (env: ShippedEnvironment) => void): void {
  for (const env of shippedEnvironments()) {
    (env.selected ? describe : describe.skip)(`environment ${env.name}`, () => body(env));
  }
}
