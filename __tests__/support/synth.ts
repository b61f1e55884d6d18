// Synthesizes one environment stack in memory and returns its Terraform JSON.
import { Testing } from 'cdktf';
import { EnvironmentStack } from '../../constructs/environment-stack';
import { parseEnvironment, type EnvironmentInput } from '../../environments';

export interface TerraformJson {
  terraform: Record<string, unknown>;
  provider: { aws: Record<string, unknown>[] };
  data?: Record<string, Record<string, Record<string, unknown>>>;
  resource: Record<string, Record<string, Record<string, unknown>>>;
  [block: string]: unknown;
}

/** The synthesized JSON text of the stack, as `cdktf synth` writes it. */
export function synthText(input: EnvironmentInput): string {
  const app = Testing.app();
  const stack = new EnvironmentStack(app, parseEnvironment(input));
  return Testing.synth(stack);
}

export function synthJson(input: EnvironmentInput): TerraformJson {
  return JSON.parse(synthText(input)) as TerraformJson;
}

/** All resources of one type, keyed by logical ID. */
export function resourcesOf(json: TerraformJson, type: string): Record<string, Record<string, unknown>> {
  return json.resource[type] ?? {};
}

/** A deep copy of an environment input that a test may change freely. */
export function copyOf(input: EnvironmentInput): EnvironmentInput {
  return structuredClone(input);
}
