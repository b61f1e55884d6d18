// Bundles functions/<name>/index.ts with esbuild into one minified CommonJS file and zips it, with
// any data files the stack generates for it beside. Code and zip depend only on the sources, the
// lockfile and those files (no absolute paths, fixed timestamps and permissions), so both are
// byte-identical on every machine. The AWS SDK v3 is left out: the Lambda runtime provides it.
// Each zip is built once per process, and reused across processes through a content-keyed cache
// (bundle-cache.ts) while none of its inputs changed; FUNCTION_BUNDLE_CACHE=off turns that off.
import type { BuildOptions, buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type ZipOptions, zipSync } from 'fflate';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { codeKey, readCached, recordInputs, sha256Hex, writeCached, zipKey } from './bundle-cache';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, 'functions');
/** Where zips are kept between processes (under node_modules, so never committed). */
export const BUNDLE_CACHE_DIR = path.join(PROJECT_ROOT, 'node_modules', '.cache', 'function-bundles');

/**
 * Lambda runtime and the matching esbuild target. Node.js 22 is the newest runtime the pinned AWS
 * provider (5.100.0, the legacy's major) accepts; it is deprecated on 2027-04-30, so the move to
 * provider 6.x and nodejs24.x is due before then (help/architecture.md, "Provider and runtime").
 */
export const LAMBDA_RUNTIME = 'nodejs22.x';
export const ESBUILD_TARGET = 'node22';
export const HANDLER = 'index.handler';

export interface FunctionBundle {
  /** The zip (index.js and the extra files), in a per-process scratch folder. */
  zipPath: string;
  /** SHA-256 of the zip, base64: what Lambda reports as CodeSha256. */
  zipSha256: string;
  /** Hex SHA-256 of the zip, for the asset folder name. */
  zipSha256Hex: string;
  codeBytes: number;
  zipBytes: number;
  /** True when the code came from the cross-process cache rather than esbuild. */
  fromCache: boolean;
}

export interface BundleOptions {
  /** Project root holding functions/, shared/ and the lockfile (tests use a scratch project). */
  root?: string;
  /** Cross-process cache folder; false: always build. */
  cacheDir?: string | false;
}

/** 1980-01-01 00:00, the earliest time a zip entry holds, on every machine whatever its time zone. */
const ZIP_ENTRY_TIME = new Date(1980, 0, 1); // local time: zip entries store local wall-clock fields
/** Unix regular file, rw-r--r--: readable by the Lambda runtime user. */
const ZIP_FILE_ATTRIBUTES = 0o100644 << 16;

/** esbuild, loaded only when a function is built: a cache hit needs only its version. */
const load = createRequire(__filename);
const esbuildVersion = (load('esbuild/package.json') as { version: string }).version;
const esbuildBuildSync = (...args: Parameters<typeof buildSync>) =>
  (load('esbuild') as { buildSync: typeof buildSync }).buildSync(...args);

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

function defaultCacheDir(): string | false {
  return process.env.FUNCTION_BUNDLE_CACHE === 'off' ? false : BUNDLE_CACHE_DIR;
}

const codes = new Map<string, { code: Uint8Array; fromCache: boolean }>();

/**
 * The zip of functions/<name>, with `files` (name -> text) beside index.js. Built once per process;
 * stacks whose files are equal share the zip.
 */
export function bundleFunction(name: string, files: Record<string, string> = {}): FunctionBundle {
  const id = JSON.stringify([name, sortedEntries(files)]);
  const cached = bundles.get(id);
  if (cached) return cached;
  const cacheDir = defaultCacheDir();
  let compiled = codes.get(name);
  if (!compiled) {
    compiled = compile(PROJECT_ROOT, name, cacheDir);
    codes.set(name, compiled);
  }
  const bundle = zipBundle(name, compiled, files, cacheDir);
  bundles.set(id, bundle);
  return bundle;
}

/** `bundleFunction` without the per-process memo: the cross-process cache or esbuild, every call. */
export function buildFunctionZip(
  name: string,
  files: Record<string, string> = {},
  options: BundleOptions = {},
): FunctionBundle {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  return zipBundle(name, compile(options.root ?? PROJECT_ROOT, name, cacheDir), files, cacheDir);
}

/** The bundled code of functions/<name>: from the cache while its inputs are unchanged, else esbuild. */
function compile(root: string, name: string, cacheDir: string | false): { code: Uint8Array; fromCache: boolean } {
  const build = esbuildOptions(root, name);
  const key = cacheDir ? codeKey(root, name, { esbuild: esbuildVersion, build }) : '';
  const hit = cacheDir ? readCached(cacheDir, root, key) : undefined;
  if (hit) return { code: hit, fromCache: true };
  const { code, inputs } = bundleCode(name, build);
  if (cacheDir) writeCached(cacheDir, key, code, recordInputs(root, inputs));
  return { code, fromCache: false };
}

const ZIP_FORMAT = { level: 9, mtime: ZIP_ENTRY_TIME.getTime(), os: 3, attrs: ZIP_FILE_ATTRIBUTES };

function zipBundle(
  name: string,
  { code, fromCache }: { code: Uint8Array; fromCache: boolean },
  files: Record<string, string>,
  cacheDir: string | false,
): FunctionBundle {
  const data = sortedEntries(files);
  const key = cacheDir ? zipKey(sha256Hex(code), data, ZIP_FORMAT) : '';
  let zip = cacheDir ? readCached(cacheDir, PROJECT_ROOT, key) : undefined;
  if (!zip) {
    zip = zipSync({
      'index.js': zipEntry(code),
      ...Object.fromEntries(data.map(([file, text]) => [file, zipEntry(Buffer.from(text, 'utf8'))])),
    });
    if (cacheDir) writeCached(cacheDir, key, zip);
  }
  return describe(name, zip, code.byteLength, fromCache);
}

function sortedEntries(files: Record<string, string>): [string, string][] {
  return Object.entries(files).sort(([a], [b]) => (a < b ? -1 : 1));
}

function zipEntry(data: Uint8Array): [Uint8Array, ZipOptions] {
  return [data, { level: 9, mtime: ZIP_ENTRY_TIME, os: 3, attrs: ZIP_FILE_ATTRIBUTES }];
}

/** Writes the zip to the scratch folder and names its hashes. */
function describe(name: string, zip: Uint8Array, codeBytes: number, fromCache: boolean): FunctionBundle {
  const digest = createHash('sha256').update(zip).digest();
  // One folder per zip, each file named after the function: the asset keeps that name.
  const dir = path.join(scratchDirectory(), digest.toString('hex').slice(0, 16));
  mkdirSync(dir, { recursive: true });
  const zipPath = path.join(dir, `${name}.zip`);
  writeFileSync(zipPath, zip);
  return {
    zipPath,
    zipSha256: digest.toString('base64'),
    zipSha256Hex: digest.toString('hex'),
    codeBytes,
    zipBytes: zip.byteLength,
    fromCache,
  };
}

function esbuildOptions(root: string, name: string): BuildOptions {
  return {
    entryPoints: [path.posix.join('functions', name, 'index.ts')],
    absWorkingDir: root,
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
  };
}

/** The bundled code and the files esbuild read for it (relative to `root`). */
function bundleCode(name: string, build: BuildOptions): { code: Uint8Array; inputs: string[] } {
  let result: ReturnType<typeof buildSync>;
  try {
    result = esbuildBuildSync({ ...build, metafile: true });
  } catch (error) {
    throw new Error(
      `bundling functions/${name}/index.ts failed: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const code = result.outputFiles?.[0]?.contents;
  if (!code) throw new Error(`esbuild produced no output for functions/${name}/index.ts`);
  return { code, inputs: Object.keys(result.metafile?.inputs ?? {}) };
}
