// Synthesizes one stack of the app into a temporary folder for the preflight: its JSON and its folder
// (the plan needs the function zips in `assets/`).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createApp } from '../../main';
import { ENVIRONMENT_INPUTS, loadEnvironments } from '../../environments';
import type { StackJson } from './plan';

export function stackNames(): string[] {
  return ENVIRONMENT_INPUTS.map((input) => input.name);
}

export async function withSynthesizedStack<T>(
  stack: string,
  use: (stackDir: string, json: StackJson) => Promise<T>,
): Promise<T> {
  // Every environment's config is checked, as `npm run synth` does; only the stack checked is built.
  loadEnvironments(ENVIRONMENT_INPUTS);
  const input = ENVIRONMENT_INPUTS.filter((candidate) => candidate.name === stack);
  const outdir = mkdtempSync(join(tmpdir(), 'migrate-check-'));
  try {
    buildApp(createApp(outdir), input).synth();
    const stackDir = join(outdir, 'stacks', stack);
    return await use(stackDir, JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as StackJson);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
