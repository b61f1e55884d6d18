// Synthesizes the app into a temporary folder for the preflight: the stack's JSON and its folder
// (the plan needs the function zips in `assets/`).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createApp } from '../../main';
import { ENVIRONMENT_INPUTS } from '../../environments';
import type { StackJson } from './plan';

export function stackNames(): string[] {
  return ENVIRONMENT_INPUTS.map((input) => input.name);
}

export async function withSynthesizedStack<T>(
  stack: string,
  use: (stackDir: string, json: StackJson) => Promise<T>,
): Promise<T> {
  const outdir = mkdtempSync(join(tmpdir(), 'migrate-check-'));
  try {
    buildApp(createApp(outdir)).synth();
    const stackDir = join(outdir, 'stacks', stack);
    return await use(stackDir, JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as StackJson);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
