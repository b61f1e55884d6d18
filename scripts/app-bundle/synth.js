// @ts-check
// node scripts/app-bundle/synth.js [--hcl] [--output <dir>]: what `cdktf synth` does, without the
// CDKTF CLI (about 80 % of `cdktf synth`'s time is the CLI loading itself). As cdktf-cli 0.21's
// synth (@cdktf/cli-core SynthStack.synth): runs cdktf.json's `app` through a shell in the project
// folder with the environment the CLI gives it (below), formats each cdk.tf with @cdktf/hcl-tools
// for --hcl, removes stack folders the manifest no longer names, prints the stacks' annotations
// and fails on an error annotation. Files written: the same bytes (__tests__/synth-launcher.test.ts).
// An app that fails has already said why (once, on this terminal): its exit code is passed on.
'use strict';
const { spawn } = require('node:child_process');
const { existsSync, lstatSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const USAGE = 'usage: npm run synth [-- --hcl] [-- --output <dir>]';
/** What the CLI sets when NODE_OPTIONS is empty (for ts-node's memory; harmless here). */
const NODE_OPTIONS_DEFAULT = '--max-old-space-size=4096';

class UsageError extends Error {}

/** @param {string[]} argv @returns {{ hcl: boolean, output: string | undefined }} */
function parseOptions(argv) {
  let hcl = false;
  /** @type {string | undefined} */
  let output;
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === '--hcl') hcl = true;
    else if (arg === '--output' || arg === '-o') {
      output = argv[++i];
      if (!output) throw new UsageError(`${arg} needs a folder. ${USAGE}`);
    } else if (arg.startsWith('--output=')) output = arg.slice('--output='.length);
    else throw new UsageError(`unknown option "${arg}". ${USAGE}`);
  }
  return { hcl, output };
}

/** cdktf.json's app command, output folder and local modules, as the CLI reads them. @param {string} root */
function readConfig(root) {
  const file = path.join(root, 'cdktf.json');
  /** @type {{ app?: string, language?: string, output?: string, terraformModules?: (string | { source: string })[] }} */
  const config = JSON.parse(readFileSync(file, 'utf8'));
  if (!config.app || !config.language) throw new UsageError(`${file} has no "app" or "language"`);
  const relativeModules = (config.terraformModules ?? []).filter((module) => {
    const source = typeof module === 'string' ? module : module.source;
    return source.startsWith('./') || source.startsWith('../');
  });
  return { app: config.app, output: config.output ?? 'cdktf.out', relativeModules };
}

/**
 * The app's environment, as cdktf-cli 0.21 builds it: this process's, less TF_VAR_* (Terraform's
 * variables are for plan and apply, not synth), with the CLI's NODE_OPTIONS default, its outdir,
 * its context and the HCL switch.
 * @param {NodeJS.ProcessEnv} env @param {string} outdir @param {boolean} hcl @param {unknown[]} relativeModules
 * @returns {NodeJS.ProcessEnv}
 */
function appEnvironment(env, outdir, hcl, relativeModules) {
  const kept = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('TF_VAR_')));
  if (!kept.NODE_OPTIONS) kept.NODE_OPTIONS = NODE_OPTIONS_DEFAULT;
  const context = env.CDKTF_CONTEXT_JSON ? JSON.parse(env.CDKTF_CONTEXT_JSON) : {};
  return {
    ...kept,
    CDKTF_OUTDIR: outdir,
    CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
    CDKTF_CONTEXT_JSON: JSON.stringify({ ...context, cdktfRelativeModules: relativeModules }),
    SYNTH_HCL_OUTPUT: String(hcl),
    // Not from the CLI: tells the app that this launcher, not the CLI, reads its exit code.
    CDKTF_SYNTH_LAUNCHER: 'app-bundle',
  };
}

/** @param {string} dir @returns {string[]} */
function stackFolders(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => path.join(dir, name))
    .filter((entry) => lstatSync(entry).isDirectory());
}

/** @param {string} command @param {NodeJS.ProcessEnv} env @param {string} cwd @returns {Promise<number>} */
function run(command, env, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, { shell: true, stdio: 'inherit', env, cwd });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/**
 * @typedef {{ level: string, constructPath: string, message: string, stacktrace?: string[] }} Annotation
 * @typedef {{ name: string, synthesizedStackPath: string, annotations?: Annotation[] }} ManifestStack
 */

/** Prints each annotation as the CLI does (`WARN [dev]: ...`); true when one is an error. @param {ManifestStack[]} stacks */
function printAnnotations(stacks) {
  const LEVELS = { '@cdktf/info': 'INFO', '@cdktf/warn': 'WARN', '@cdktf/error': 'ERROR' };
  let error = false;
  for (const annotation of stacks.flatMap((stack) => stack.annotations ?? [])) {
    const level = LEVELS[/** @type {keyof typeof LEVELS} */ (annotation.level)] ?? annotation.level;
    process.stderr.write(`${level} [${annotation.constructPath}]: ${annotation.message}\n`);
    if (level === 'ERROR') {
      error = true;
      if (annotation.stacktrace) process.stderr.write(`${annotation.stacktrace.join('\n')}\n`);
    }
  }
  return error;
}

/** @param {string} root @param {string[]} argv @returns {Promise<number>} */
async function synth(root, argv) {
  const options = parseOptions(argv);
  const config = readConfig(root);
  const outdir = options.output ?? config.output;
  const stacksDir = path.resolve(root, outdir, 'stacks');
  const before = stackFolders(stacksDir);
  const code = await run(config.app, appEnvironment(process.env, outdir, options.hcl, config.relativeModules), root);
  if (code !== 0) return code;
  const manifestFile = path.resolve(root, outdir, 'manifest.json');
  if (!existsSync(manifestFile)) {
    process.stderr.write(`synth: the app ("${config.app}") exited without writing ${manifestFile}\n`);
    return 1;
  }
  /** @type {{ stacks: Record<string, ManifestStack> }} */
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const stacks = Object.values(manifest.stacks);
  if (options.hcl) {
    const { format } = require('@cdktf/hcl-tools');
    for (const stack of stacks) {
      const file = path.resolve(root, outdir, stack.synthesizedStackPath);
      writeFileSync(file, await format(readFileSync(file, 'utf8')));
    }
  }
  const names = stacks.map((stack) => stack.name);
  for (const folder of before) {
    if (!names.includes(path.basename(folder))) rmSync(folder, { recursive: true });
  }
  if (printAnnotations(stacks)) {
    process.stderr.write('synth: the app reported errors (above); fix them and synthesize again\n');
    return 1;
  }
  if (stacks.length === 0) process.stderr.write('synth: the app synthesized no stack\n');
  process.stdout.write(`Generated Terraform code for the stacks: ${names.join(', ')}\n`);
  return 0;
}

if (require.main === module) {
  synth(ROOT, process.argv.slice(2)).then(
    // --hcl: hcl-tools' Go (WebAssembly) runtime keeps timers armed after the last format: end here.
    (code) => process.exit(code),
    (error) => {
      if (!(error instanceof UsageError) && !(error instanceof SyntaxError)) throw error;
      process.stderr.write(`synth: ${error.message}\n`);
      process.exit(2);
    },
  );
}

module.exports = { synth, appEnvironment, parseOptions };
