// Per function: the deployed zip's size and the cold load of its bundle in a fresh Node process
// (the AWS SDK from node_modules, as the Lambda runtime provides it).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { bundleFunction } from '../constructs/shared/bundle';
import { median } from './measure';

const ROOT = join(__dirname, '..');

export interface BundleFigures {
  zipBytes: number;
  codeBytes: number;
  coldLoadMs: { median: number; runs: number[] };
}

const LOAD_SCRIPT = `
  const start = process.hrtime.bigint();
  require('./index.js');
  process.stdout.write(String(Number(process.hrtime.bigint() - start) / 1e6));`;

/** `environment`: the variables the stack gives the function (its settings are read at load). */
export function bundleFigures(
  name: string,
  environment: Record<string, string>,
  runs: number,
  files: Record<string, string> = {},
): BundleFigures {
  const bundle = bundleFunction(name, files);
  const dir = mkdtempSync(join(tmpdir(), `bench-${name}-`));
  try {
    mkdirSync(dir, { recursive: true });
    for (const [file, data] of Object.entries(unzipSync(readFileSync(bundle.zipPath))))
      writeFileSync(join(dir, file), data);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const result = spawnSync(process.execPath, ['-e', LOAD_SCRIPT], {
        cwd: dir,
        env: {
          ...environment,
          PATH: process.env.PATH ?? '',
          NODE_PATH: join(ROOT, 'node_modules'),
          AWS_REGION: 'ap-northeast-2',
        },
        encoding: 'utf8',
      });
      if (result.status !== 0) throw new Error(`loading the ${name} bundle failed: ${result.stderr}`);
      times.push(Math.round(Number(result.stdout) * 10) / 10);
    }
    return {
      zipBytes: bundle.zipBytes,
      codeBytes: bundle.codeBytes,
      coldLoadMs: { median: median(times), runs: times },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
