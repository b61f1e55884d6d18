// Synthesizes the app into a temporary folder for the preflight, as `cdktf synth` runs it: the
// stack's JSON and its folder (the plan needs the function zips in `assets/`). The configs are
// checked here first, so that a mistake is reported as a ConfigError, as `npm run synth` does.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVIRONMENT_INPUTS, loadEnvironments } from '../../environments';
import { synthesizeApp } from '../app-command';
import type { StackJson } from './plan';

export function stackNames(): string[] {
  return ENVIRONMENT_INPUTS.map((input) => input.name);
}

export async function withSynthesizedStack<T>(
  stack: string,
  use: (stackDir: string, json: StackJson) => Promise<T>,
): Promise<T> {
  loadEnvironments();
  const outdir = mkdtempSync(join(tmpdir(), 'migrate-check-'));
  try {
    synthesizeApp(outdir);
    const stackDir = join(outdir, 'stacks', stack);
    return await use(stackDir, JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8')) as StackJson);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
