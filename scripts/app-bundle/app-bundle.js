// @ts-check
// The app as one CommonJS file, made by esbuild from a TypeScript entry (main.ts, bench/synth-app.ts)
// and kept in node_modules/.cache/app-bundles: loading it replaces resolving and compiling about 600
// modules one by one (the TypeScript sources through tsx, zod, the provider classes, cdktf and its
// dependencies). Only esbuild stays outside (it runs its own binary), and the AWS SDK (below).
//
// Content-keyed like the function bundles (constructs/shared/bundle-cache.ts). The key covers the
// entry, the project root, esbuild's version and options, this file and content-cache.js,
// package-lock.json and the contents of every package.json and tsconfig.json of the project (they
// decide how imports resolve), and the names of every source file of the project (a new file can
// change what an import resolves to). A bundle is served only while it and every file esbuild read
// for it (its metafile inputs: the sources and node_modules files it holds) still hash as recorded;
// otherwise it is rebuilt. A cache that cannot be written costs only speed.
'use strict';
const { createHash } = require('node:crypto');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const {
  filesUnder,
  hashFiles,
  readCached,
  recordInputs,
  writeCached,
  entryPaths,
} = require('../../constructs/shared/content-cache');

/** Bump when the entry layout changes. */
const FORMAT = 'app-bundle-cache/1';
/** Whose contents are in the key besides each package.json and tsconfig.json of the project. */
const KEY_FILES = ['package-lock.json', __filename, require.resolve('../../constructs/shared/content-cache')];
/** Folders that hold no source of the app (besides dot folders): outputs and dependencies. */
const NOT_SOURCE = new Set(['node_modules', 'cdktf.out', 'coverage']);
const SOURCE_FILE = /\.[cm]?[jt]sx?$/;
const RESOLUTION_FILE = /(^|[/\\])(package|tsconfig)\.json$/;
/** Loaded from node_modules at run time: esbuild runs its own binary. */
const EXTERNAL = ['esbuild'];
const BUNDLE_EXTENSION = '.js';

/** @param {string} root */
function cacheDirectory(root) {
  return path.join(root, 'node_modules', '.cache', 'app-bundles');
}

/**
 * esbuild's options for `entry` (relative to `root`). `__dirname` and `__filename` name each
 * source file's own folder and path (sourcePaths below), as they do unbundled.
 * @param {string} root
 * @param {string} entry
 * @returns {import('esbuild').BuildOptions}
 */
function buildOptions(root, entry) {
  return {
    entryPoints: [entry],
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: EXTERNAL,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'silent',
    outfile: 'app.js',
    write: false,
    define: { __dirname: '__source_dirname', __filename: '__source_filename' },
  };
}

/**
 * Declares, in each file that uses them, the `__source_dirname` and `__source_filename` the
 * `define` above puts in place of `__dirname` and `__filename`.
 * @type {import('esbuild').Plugin}
 */
const sourcePaths = {
  name: 'source-paths',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]sx?$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!/__dirname|__filename/.test(source)) return undefined;
      const declared =
        `var __source_dirname = ${JSON.stringify(path.dirname(args.path))}, ` +
        `__source_filename = ${JSON.stringify(args.path)};`;
      return { contents: declared + source, loader: /\.[cm]?tsx?$/.test(args.path) ? 'ts' : 'js' };
    });
  },
};

/**
 * The AWS SDK, left to node_modules and marked free of side effects: an import whose exports the
 * app never uses (the constructs read a constant from a function's module that also imports the
 * DynamoDB client) is dropped rather than loading about 500 modules at every synth.
 * @type {import('esbuild').Plugin}
 */
const awsSdkOutside = {
  name: 'aws-sdk-outside',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\// }, (args) => ({ path: args.path, external: true, sideEffects: false }));
  },
};

/**
 * The key of `entry`'s bundle: see the file comment for what goes in.
 * @param {string} root
 * @param {string} entry
 */
function bundleKey(root, entry) {
  /** @type {{ version: string }} */
  const esbuildPackage = JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8'));
  const hash = createHash('sha256').update(
    JSON.stringify([FORMAT, root, entry, esbuildPackage.version, buildOptions(root, entry)]),
  );
  const projectFiles = filesUnder(root, (folder) => {
    const name = path.basename(folder);
    return name.startsWith('.') || NOT_SOURCE.has(name);
  });
  const contents = [
    ...KEY_FILES.map((file) => path.resolve(root, file)),
    ...projectFiles.filter((file) => RESOLUTION_FILE.test(file)),
  ];
  const names = projectFiles.filter((file) => SOURCE_FILE.test(file)).map((file) => path.relative(root, file));
  return hashFiles(hash.update(JSON.stringify(names)), root, contents).digest('hex');
}

/**
 * The bundle's file, from the cache while nothing it was made from changed, else built anew.
 * @param {string} root
 * @param {string} entry relative to root
 * @param {{ cacheDir?: string }} [options]
 * @returns {Promise<{ file: string, fromCache: boolean }>}
 */
async function appBundle(root, entry, options = {}) {
  const cacheDir = options.cacheDir ?? cacheDirectory(root);
  const key = bundleKey(root, entry);
  if (readCached(cacheDir, root, key, BUNDLE_EXTENSION)) {
    return { file: entryPaths(cacheDir, key, BUNDLE_EXTENSION).bytes, fromCache: true };
  }
  const { code, inputs } = await build(root, entry);
  const file = writeCached(cacheDir, key, code, recordInputs(root, inputs), BUNDLE_EXTENSION) ?? scratchFile(code);
  return { file, fromCache: false };
}

/**
 * @param {string} root
 * @param {string} entry
 * @returns {Promise<{ code: Uint8Array, inputs: string[] }>}
 */
async function build(root, entry) {
  /** @type {typeof import('esbuild')} */
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    ...buildOptions(root, entry),
    metafile: true,
    plugins: [sourcePaths, awsSdkOutside],
  });
  const code = result.outputFiles?.[0]?.contents;
  if (!code) throw new Error(`esbuild produced no output for ${entry}`);
  return { code, inputs: Object.keys(result.metafile?.inputs ?? {}) };
}

/** A cache that cannot be written: the bundle lives in a temporary folder for this process. @param {Uint8Array} code */
function scratchFile(code) {
  const dir = mkdtempSync(path.join(tmpdir(), 'app-bundle-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'app.js');
  writeFileSync(file, code);
  return file;
}

module.exports = { appBundle, bundleKey, cacheDirectory };
