// Bundles functions/<name>/index.ts with esbuild into one minified CommonJS file and zips it, with
// any data files the stack generates for it beside. Code and zip depend only on the sources, the
// lockfile and those files (no absolute paths, fixed timestamps and permissions), so both are
// byte-identical on every machine. The AWS SDK v3 is left out: the Lambda runtime provides it.
import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type ZipOptions, zipSync } from 'fflate';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, 'functions');

/**
 * Lambda runtime and the matching esbuild target. Node.js 22 is the newest runtime the pinned AWS
 * provider (5.100.0, the legacy's major) accepts; it is deprecated on 2027-04-30, so the move to
 * provider 6.x and nodejs24.x is due before then (help/architecture.md, "Provider and runtime").
 */
export const LAMBDA_RUNTIME = 'nodejs22.x';
export const ESBUILD_TARGET = 'node22';
export const HANDLER = 'index.handler';

export interface FunctionBundle {
  /** The zip (index.js and the extra files) in a per-process scratch folder. */
  zipPath: string;
  /** SHA-256 of the zip, base64: what Lambda reports as CodeSha256. */
  zipSha256: string;
  /** Hex SHA-256 of the zip, for the asset folder name. */
  zipSha256Hex: string;
  codeBytes: number;
  zipBytes: number;
}

/** 1980-01-01 00:00, the earliest time a zip entry holds, on every machine whatever its time zone. */
const ZIP_ENTRY_TIME = new Date(1980, 0, 1); // local time: zip entries store local wall-clock fields
/** Unix regular file, rw-r--r--: readable by the Lambda runtime user. */
const ZIP_FILE_ATTRIBUTES = 0o100644 << 16;

const codes = new Map<string, Uint8Array>();
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

/**
 * The zip of functions/<name>, with `files` (name -> text) beside index.js. Bundles once per
 * process; stacks whose files are equal share the zip.
 */
export function bundleFunction(name: string, files: Record<string, string> = {}): FunctionBundle {
  const id = JSON.stringify([name, Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1))]);
  const cached = bundles.get(id);
  if (cached) return cached;
  const code = bundleCode(name);
  const entry = (data: Uint8Array): [Uint8Array, ZipOptions] => [
    data,
    { level: 9, mtime: ZIP_ENTRY_TIME, os: 3, attrs: ZIP_FILE_ATTRIBUTES },
  ];
  const zip = zipSync({
    'index.js': entry(code),
    ...Object.fromEntries(
      Object.keys(files)
        .sort()
        .map((file) => [file, entry(Buffer.from(files[file]!, 'utf8'))]),
    ),
  });
  const digest = createHash('sha256').update(zip).digest();
  // One folder per zip, each file named after the function: the asset keeps that name.
  const dir = path.join(scratchDirectory(), digest.toString('hex').slice(0, 16));
  mkdirSync(dir, { recursive: true });
  const zipPath = path.join(dir, `${name}.zip`);
  writeFileSync(zipPath, zip);
  const bundle: FunctionBundle = {
    zipPath,
    zipSha256: digest.toString('base64'),
    zipSha256Hex: digest.toString('hex'),
    codeBytes: code.byteLength,
    zipBytes: zip.byteLength,
  };
  bundles.set(id, bundle);
  return bundle;
}

function bundleCode(name: string): Uint8Array {
  const cached = codes.get(name);
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
      { cause: error },
    );
  }
  const code = result.outputFiles?.[0]?.contents;
  if (!code) throw new Error(`esbuild produced no output for functions/${name}/index.ts`);
  codes.set(name, code);
  return code;
}
