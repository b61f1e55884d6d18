// @ts-check
// Content-keyed cache entries, shared by the function bundle cache (bundle-cache.ts) and the app
// bundle cache (scripts/app-bundle/): plain JavaScript, so that the app's launcher can use it
// without a TypeScript loader. An entry is bytes plus the SHA-256 of every file they were made
// from; it is served only while the bytes and each of those files still hash as recorded.
// A file is hashed again unless its stat (size, mtime, ctime, inode) is the one recorded with its
// hash and it had last changed more than SETTLED_MS before: any write to a file sets its ctime,
// which no tool can set back, so an equal stat means equal contents, and reading only the stat of
// some 600 files saves most of the check's time. A cache that cannot be written costs only speed.
'use strict';
const { createHash } = require('node:crypto');
const {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs');
const path = require('node:path');

/**
 * @typedef {object} InputRecord
 * @property {Record<string, string>} inputs SHA-256 (hex) of each file the bytes were made from, by path relative to the project root.
 * @property {Record<string, string>} [stats] the stat signature of the files that had settled when hashed (statSignature).
 */

/** @typedef {InputRecord & { sha256Hex: string }} CacheEntry `sha256Hex`: SHA-256 (hex) of the bytes. */

/** A file that changed less than this before it was hashed is always hashed again (a later write in the same clock tick keeps its ctime). */
const SETTLED_MS = 2000;

/** @param {import('node:fs').BigIntStats} stat */
function statSignature(stat) {
  return `${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}:${stat.ino}:${stat.dev}`;
}

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
 * The record of the files bytes were made from (paths relative to `root`, as esbuild's metafile
 * names them): each file's SHA-256, and the stat signature of those that had settled. The stat is
 * taken before the contents are read: a write in between changes the ctime, so the stat never matches.
 * @param {string} root
 * @param {string[]} inputs
 * @returns {InputRecord}
 */
function recordInputs(root, inputs) {
  /** @type {Required<InputRecord>} */
  const record = { inputs: {}, stats: {} };
  for (const input of [...inputs].sort()) {
    const file = path.join(root, input);
    const stat = statSync(file, { bigint: true });
    record.inputs[input] = sha256Hex(readFileSync(file));
    if (Date.now() - Number(stat.ctimeMs) > SETTLED_MS) record.stats[input] = statSignature(stat);
  }
  return record;
}

/**
 * True when `input` still has the contents recorded: by its stat when that is the recorded one, else by its hash.
 * @param {string} root
 * @param {string} input
 * @param {InputRecord} record
 */
function unchanged(root, input, record) {
  const file = path.join(root, input);
  try {
    const recordedStat = record.stats?.[input];
    if (recordedStat !== undefined && statSignature(statSync(file, { bigint: true })) === recordedStat) return true;
    return sha256Hex(readFileSync(file)) === record.inputs[input];
  } catch {
    return false;
  }
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
  for (const input of Object.keys(entry.inputs ?? {})) {
    if (!unchanged(root, input, entry)) return undefined;
  }
  return bytes;
}

/**
 * Stores bytes under `key`. Each file is written beside and renamed into place, so a reader never
 * sees half of one. Returns the path of the bytes' file, or undefined when the cache cannot be written.
 * @param {string} cacheDir
 * @param {string} key
 * @param {Uint8Array} bytes
 * @param {InputRecord} [record] the files the bytes were made from (recordInputs)
 * @param {string} [extension]
 * @returns {string | undefined}
 */
function writeCached(cacheDir, key, bytes, record = { inputs: {} }, extension = '.bin') {
  const paths = entryPaths(cacheDir, key, extension);
  const suffix = `.${process.pid}.tmp`;
  /** @type {CacheEntry} */
  const entry = { ...record, sha256Hex: sha256Hex(bytes) };
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

module.exports = { entryPaths, filesUnder, hashFiles, readCached, recordInputs, sha256Hex, writeCached };
