// Bundles functions/<name>/index.ts with esbuild into one minified CommonJS file. The output
// depends only on the sources and the lockfile (no absolute paths, no timestamps), so its hash
// is the same on every machine. The AWS SDK v3 is left out: the Lambda runtime provides it.
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, 'functions');

/** Lambda runtime and the matching esbuild target (Node.js 24 LTS; supported until 2028). */
export const LAMBDA_RUNTIME = 'nodejs24.x';
export const ESBUILD_TARGET = 'node24';
export const HANDLER = 'index.handler';

export interface FunctionBundle {
  /** Folder holding only index.js, to be zipped. */
  directory: string;
  /** SHA-256 (hex) of the bundled code. */
  sha256: string;
  bytes: number;
}

const bundles = new Map<string, FunctionBundle>();
let scratch: string | undefined;

function scratchDirectory(): string {
  if (!scratch) {
    // One folder per process: parallel test workers never share files.
    const dir = mkdtempSync(path.join(tmpdir(), 'cdktf-function-bundles-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return scratch;
}

/** Bundles once per process; both stacks share the result. */
export function bundleFunction(name: string): FunctionBundle {
  const cached = bundles.get(name);
  if (cached) return cached;
  const entry = path.join(FUNCTIONS_DIR, name, 'index.ts');
  let result: ReturnType<typeof buildSync>;
  try {
    result = buildSync({
      entryPoints: [path.relative(PROJECT_ROOT, entry)],
      absWorkingDir: PROJECT_ROOT,
      bundle: true,
      platform: 'node',
      target: ESBUILD_TARGET,
      format: 'cjs',
      mainFields: ['module', 'main'],
      minify: true,
      legalComments: 'none',
      sourcemap: false,
      external: ['@aws-sdk/*'],
      write: false,
      logLevel: 'silent',
      outfile: 'index.js',
    });
  } catch (error) {
    throw new Error(
      `bundling functions/${name}/index.ts failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const code = result.outputFiles?.[0]?.contents;
  if (!code) throw new Error(`esbuild produced no output for functions/${name}/index.ts`);
  const directory = path.join(scratchDirectory(), name);
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, 'index.js'), code);
  const bundle = { directory, sha256: createHash('sha256').update(code).digest('hex'), bytes: code.byteLength };
  bundles.set(name, bundle);
  return bundle;
}
