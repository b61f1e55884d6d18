// Synthesizes both stacks with N generated services per environment into a temporary folder:
// the app's own work, as `cdktf synth` runs it, at a chosen size. Usage: synth-app.ts <services>
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp, createApp } from '../main';
import { ENVIRONMENT_INPUTS } from '../environments';
import { generatedInputs } from './generated-config';

const services = Number(process.argv[2] ?? '20');
const outdir = mkdtempSync(join(tmpdir(), 'bench-synth-'));
try {
  buildApp(createApp(outdir), generatedInputs(ENVIRONMENT_INPUTS, services)).synth();
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
