// Synthesizes one stack into a temporary folder for the preflight: its JSON, its folder (the plan
// needs the function zips in `assets/`) and the validated environment it was built from.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createApp } from '../../main';
import {
  ENVIRONMENT_INPUTS,
  loadEnvironments,
  type EnvironmentConfig,
  type EnvironmentInput,
} from '../../environments';
import type { StackJson } from './plan';

export function stackNames(): string[] {
  return ENVIRONMENT_INPUTS.map((input) => input.name);
}

export interface SynthesizedStack {
  dir: string;
  json: StackJson;
  environment: EnvironmentConfig;
}

/**
 * The app's stack `stack`, or with `environment` that environment's stack alone (a caller's own
 * environment: tests, the emulator run).
 */
export async function withSynthesizedStack<T>(
  target: { stack: string; environment?: EnvironmentInput | undefined },
  use: (synthesized: SynthesizedStack) => Promise<T>,
): Promise<T> {
  // Every environment's config is checked, as `npm run synth` does; only the stack checked is built.
  const inputs = target.environment ? [target.environment] : ENVIRONMENT_INPUTS;
  const configs = loadEnvironments(inputs);
  const input = inputs.filter((candidate) => candidate.name === target.stack);
  const outdir = mkdtempSync(join(tmpdir(), 'migrate-check-'));
  try {
    buildApp(createApp(outdir), input).synth();
    const dir = join(outdir, 'stacks', target.stack);
    const json = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as StackJson;
    return await use({ dir, json, environment: configs.find((c) => c.name === target.stack)! });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
