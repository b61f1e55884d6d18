// @ts-check
// Content-keyed cache entries, shared by the function bundle cache (bundle-cache.ts) and the app
// bundle cache (scripts/app-bundle/): plain JavaScript, so that the app's launcher can use it
// without a TypeScript loader. An entry is bytes plus the SHA-256 of every file they were made
// from; it is served only while the bytes and each of those files still hash as recorded.
// A cache that cannot be written (read-only disk) costs only speed.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/**
 * @typedef {object} CacheEntry
 * @property {Record<string, string>} inputs SHA-256 (hex) of each file the bytes were made from, by path relative to the project root.
 * @property {string} sha256Hex SHA-256 (hex) of the bytes.
 */

/** @param {string | Uint8Array} data */
function sha256Hex(data) {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Every file under `dir` (sorted), skipping folders `skip` returns true for.
 * @param {string} dir
 * @param {(folder: string) => boolean} [skip]
 * @returns {string[]}
 */
function filesUnder(dir, skip = () => false) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const file = path.join(dir, entry.name);
      if (!entry.isDirectory()) return [file];
      return skip(file) ? [] : filesUnder(file, skip);
    })
    .sort();
}

/**
 * Adds each file's name (relative to `root`) and contents to `hash`: a new, removed or changed file
 * changes the key.
 * @param {import('node:crypto').Hash} hash
 * @param {string} root
 * @param {string[]} files
 */
function hashFiles(hash, root, files) {
  for (const file of files) {
    hash.update(`\0${path.relative(root, file)}\0`);
    if (existsSync(file)) hash.update(readFileSync(file));
  }
  return hash;
}

/**
 * SHA-256 of each input file, by its path relative to `root` (as esbuild's metafile names them).
 * @param {string} root
 * @param {string[]} inputs
 * @returns {Record<string, string>}
 */
function inputHashes(root, inputs) {
  return Object.fromEntries(
    [...inputs].sort().map((input) => [input, sha256Hex(readFileSync(path.join(root, input)))]),
  );
}

/**
 * @param {string} cacheDir
 * @param {string} key
 * @param {string} extension of the bytes' file
 */
function entryPaths(cacheDir, key, extension) {
  return { entry: path.join(cacheDir, `${key}.json`), bytes: path.join(cacheDir, `${key}${extension}`) };
}

/**
 * The cached bytes for `key`, or undefined when there are none or they no longer match their inputs.
 * @param {string} cacheDir
 * @param {string} root
 * @param {string} key
 * @param {string} [extension]
 * @returns {Uint8Array | undefined}
 */
function readCached(cacheDir, root, key, extension = '.bin') {
  const paths = entryPaths(cacheDir, key, extension);
  /** @type {CacheEntry} */
  let entry;
  /** @type {Uint8Array} */
  let bytes;
  try {
    entry = JSON.parse(readFileSync(paths.entry, 'utf8'));
    bytes = readFileSync(paths.bytes);
  } catch {
    return undefined; // absent or unreadable: rebuild
  }
  if (sha256Hex(bytes) !== entry.sha256Hex) return undefined;
  for (const [input, expected] of Object.entries(entry.inputs ?? {})) {
    let actual;
    try {
      actual = sha256Hex(readFileSync(path.join(root, input)));
    } catch {
      return undefined;
    }
    if (actual !== expected) return undefined;
  }
  return bytes;
}

/**
 * Stores bytes under `key`. Each file is written beside and renamed into place, so a reader never
 * sees half of one. Returns the path of the bytes' file, or undefined when the cache cannot be written.
 * @param {string} cacheDir
 * @param {string} key
 * @param {Uint8Array} bytes
 * @param {Record<string, string>} inputs
 * @param {string} [extension]
 * @returns {string | undefined}
 */
function writeCached(cacheDir, key, bytes, inputs, extension = '.bin') {
  const paths = entryPaths(cacheDir, key, extension);
  const suffix = `.${process.pid}.tmp`;
  /** @type {CacheEntry} */
  const entry = { inputs, sha256Hex: sha256Hex(bytes) };
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(paths.bytes + suffix, bytes);
    renameSync(paths.bytes + suffix, paths.bytes);
    writeFileSync(paths.entry + suffix, JSON.stringify(entry));
    renameSync(paths.entry + suffix, paths.entry);
    return paths.bytes;
  } catch {
    for (const file of [paths.bytes, paths.entry]) {
      try {
        rmSync(file + suffix, { force: true });
      } catch {
        // the folder itself is unusable: nothing was left behind
      }
    }
    return undefined;
  }
}

module.exports = { entryPaths, filesUnder, hashFiles, inputHashes, readCached, sha256Hex, writeCached };
