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
import path from 'node:path';
import { filesUnder, hashFiles, sha256Hex } from './content-cache';

export { readCached, recordInputs, sha256Hex, writeCached, type CacheEntry } from './content-cache';

/** Bump when the entry layout or the zip format changes. */
const FORMAT = 'function-bundle-cache/2';

/** Project files that decide every bundle besides its metafile inputs. */
const KEY_FILES = ['package-lock.json', 'package.json', 'tsconfig.json'];
const KEY_FOLDERS = ['functions', 'shared'];

/** The key of one function's code: see the file comment for what goes in. */
export function codeKey(root: string, name: string, build: unknown): string {
  const hash = createHash('sha256').update(JSON.stringify([FORMAT, 'code', name, build]));
  const keyFiles = [
    ...KEY_FILES.map((file) => path.join(root, file)),
    ...KEY_FOLDERS.flatMap((folder) => filesUnder(path.join(root, folder))),
  ];
  return hashFiles(hash, root, keyFiles).digest('hex');
}

/** The key of a zip: its code and data files decide every byte of it. */
export function zipKey(codeSha256Hex: string, files: [string, string][], zipFormat: unknown): string {
  return sha256Hex(JSON.stringify([FORMAT, 'zip', codeSha256Hex, files, zipFormat]));
}
