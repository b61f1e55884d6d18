// Synthesizes one stack of the app into a temporary folder and returns its Terraform JSON.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createApp } from '../../main';
import { ENVIRONMENT_INPUTS } from '../../environments';
import type { StackJson } from './plan';

export function stackNames(): string[] {
  return ENVIRONMENT_INPUTS.map((input) => input.name);
}

export function synthesizeStack(stack: string): StackJson {
  const outdir = mkdtempSync(join(tmpdir(), 'migrate-check-'));
  try {
    const app = buildApp(createApp(outdir));
    app.synth();
    return JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as StackJson;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
