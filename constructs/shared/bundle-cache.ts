// A content-keyed cache of function bundles shared by every process on the machine (synth, jest
// workers, bench), in node_modules/.cache/function-bundles. Two kinds of entry:
// - code: keyed by everything that decides esbuild's output: the function's name, esbuild's version
//   and options, the lockfile, package.json, tsconfig.json and every file under functions/ and shared/
//   (names and contents, so a new file that would change how an import resolves changes the key too).
//   Served only while each file esbuild read for it (its metafile inputs, node_modules included)
//   still has the content it had.
// - zip: keyed by the code's SHA-256 and the data files, which decide every byte of the zip.
// Either is served only when its bytes still hash to the recorded SHA-256; otherwise it is rebuilt.
// A cache that cannot be written (read-only disk) costs only speed.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Bump when the entry layout or the zip format changes. */
const FORMAT = 'function-bundle-cache/1';

/** Project files that decide every bundle besides its metafile inputs. */
const KEY_FILES = ['package-lock.json', 'package.json', 'tsconfig.json'];
const KEY_FOLDERS = ['functions', 'shared'];

export interface CacheEntry {
  /** SHA-256 (hex) of each file the bytes were made from, by path relative to the project root. */
  inputs: Record<string, string>;
  /** SHA-256 (hex) of the bytes. */
  sha256Hex: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const file = path.join(dir, entry.name);
      return entry.isDirectory() ? filesUnder(file) : [file];
    })
    .sort();
}

/** The key of one function's code: see the file comment for what goes in. */
export function codeKey(root: string, name: string, build: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify([FORMAT, 'code', name, build]));
  const keyFiles = [
    ...KEY_FILES.map((file) => path.join(root, file)),
    ...KEY_FOLDERS.flatMap((folder) => filesUnder(path.join(root, folder))),
  ];
  for (const file of keyFiles) {
    hash.update(`\0${path.relative(root, file)}\0`);
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** The key of a zip: its code and data files decide every byte of it. */
export function zipKey(codeSha256Hex: string, files: [string, string][], zipFormat: unknown): string {
  return sha256Hex(JSON.stringify([FORMAT, 'zip', codeSha256Hex, files, zipFormat]));
}

/** SHA-256 of each input file, by its path relative to `root` (as esbuild's metafile names them). */
export function inputHashes(root: string, inputs: string[]): Record<string, string> {
  return Object.fromEntries(
    [...inputs].sort().map((input) => [input, sha256Hex(readFileSync(path.join(root, input)))]),
  );
}

function entryPaths(cacheDir: string, key: string) {
  return { entry: path.join(cacheDir, `${key}.json`), bytes: path.join(cacheDir, `${key}.bin`) };
}

/** The cached bytes for `key`, or undefined when there are none or they no longer match their inputs. */
export function readCached(cacheDir: string, root: string, key: string): Uint8Array | undefined {
  const paths = entryPaths(cacheDir, key);
  let entry: CacheEntry;
  let bytes: Uint8Array;
  try {
    entry = JSON.parse(readFileSync(paths.entry, 'utf8')) as CacheEntry;
    bytes = readFileSync(paths.bytes);
  } catch {
    return undefined; // absent or unreadable: rebuild
  }
  if (sha256Hex(bytes) !== entry.sha256Hex) return undefined;
  for (const [input, expected] of Object.entries(entry.inputs ?? {})) {
    let actual: string;
    try {
      actual = sha256Hex(readFileSync(path.join(root, input)));
    } catch {
      return undefined;
    }
    if (actual !== expected) return undefined;
  }
  return bytes;
}

/** Stores bytes under `key`. Each file is written beside and renamed into place, so a reader never sees half of one. */
export function writeCached(cacheDir: string, key: string, bytes: Uint8Array, inputs: Record<string, string>): void {
  const paths = entryPaths(cacheDir, key);
  const suffix = `.${process.pid}.tmp`;
  const entry: CacheEntry = { inputs, sha256Hex: sha256Hex(bytes) };
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(paths.bytes + suffix, bytes);
    renameSync(paths.bytes + suffix, paths.bytes);
    writeFileSync(paths.entry + suffix, JSON.stringify(entry));
    renameSync(paths.entry + suffix, paths.entry);
  } catch {
    for (const file of [paths.bytes, paths.entry]) {
      try {
        rmSync(file + suffix, { force: true });
      } catch {
        // the folder itself is unusable: nothing was left behind
      }
    }
  }
}
