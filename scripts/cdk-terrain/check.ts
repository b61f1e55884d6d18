// npx tsx scripts/cdk-terrain/check.ts: the move to CDK Terrain, rehearsed on a scratch copy of the
// project (run in CI by .ci/run; needs the npm registry, terraform and the hashicorp/aws mirror).
// The copy swaps cdktf/cdktf-cli 0.21 for cdktn/cdktn-cli 0.24 by npm aliases (the imports keep
// saying 'cdktf'; @cdktf/provider-aws 20.1.0 stays) and names `cdktn` in scripts/cdktf-cli.ts. Then
// both `npm run synth` and the cdktn CLI's own `synth` of the copy must write, for every stack,
// the Terraform JSON that today's `npm run synth` writes, but for the top-level "//" metadata
// (which names the CDK version), and terraform validate must accept it. Exit 1 on any difference.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CDKTF_CLI } from '../cdktf-cli';
import { validateStack } from '../terraform/plan';
import { installedProvider, REATTACH_VARIABLE, startProviderServer } from '../terraform/provider-server';
import { findToolchain, ToolchainMissing } from '../terraform/toolchain';
import { sharedInit } from '../terraform/workspace';

const ROOT = path.resolve(__dirname, '..', '..');
/** What the copy holds: the project's tracked sources (no node_modules, no outputs). */
const SOURCES = ['main.ts', 'cdktf.json', 'package.json', 'package-lock.json', 'tsconfig.json'];
const SOURCE_FOLDERS = ['constructs', 'environments', 'functions', 'shared', 'scripts'];
export const TERRAIN = { library: 'npm:cdktn@0.24.0', cli: 'npm:cdktn-cli@0.24.0', cliName: 'cdktn' };

type Json = Record<string, unknown>;

function say(line: string): void {
  process.stderr.write(`cdk-terrain: ${line}\n`);
}

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
}

/** The stack JSON without its top-level "//" metadata (CDK name and version), for comparison. */
export function withoutMetadata(json: Json): Json {
  const { ['//']: top, ...rest } = json;
  if (top === undefined) return rest;
  const { metadata: _metadata, ...kept } = top as Json;
  return Object.keys(kept).length > 0 ? { '//': kept, ...rest } : rest;
}

/** Each stack's cdk.tf.json under `outdir`, by stack name. */
function stacksIn(outdir: string): Map<string, Json> {
  const dir = path.join(outdir, 'stacks');
  return new Map(
    readdirSync(dir).map((name) => [
      name,
      JSON.parse(readFileSync(path.join(dir, name, 'cdk.tf.json'), 'utf8')) as Json,
    ]),
  );
}

/** The top-level keys (and "//" sub-keys) in which two stacks differ. */
export function differences(today: Json, terrain: Json): string[] {
  const [a, b] = [withoutMetadata(today), withoutMetadata(terrain)];
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((key) => !isDeepStrictEqual(a[key], b[key]));
}

/** Makes `copy` a CDK Terrain project: the aliases in package.json and the CLI name. */
export function switchToTerrain(copy: string): void {
  const file = path.join(copy, 'package.json');
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  manifest.dependencies.cdktf = TERRAIN.library;
  manifest.devDependencies['cdktf-cli'] = TERRAIN.cli;
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
  const cliModule = path.join(copy, 'scripts', 'cdktf-cli.ts');
  const source = readFileSync(cliModule, 'utf8');
  const named = source.replace(
    `export const CDKTF_CLI = '${CDKTF_CLI}';`,
    `export const CDKTF_CLI = '${TERRAIN.cliName}';`,
  );
  if (named === source) throw new Error(`${cliModule} does not hold "export const CDKTF_CLI = '${CDKTF_CLI}';"`);
  writeFileSync(cliModule, named);
}

async function main(): Promise<number> {
  const toolchain = findToolchain();
  if (toolchain instanceof ToolchainMissing) throw toolchain;
  const scratch = mkdtempSync(path.join(tmpdir(), 'cdk-terrain-'));
  try {
    const today = path.join(scratch, 'today');
    run('npm', ['run', '--silent', 'synth', '--', '--output', today], ROOT);

    const copy = path.join(scratch, 'project');
    for (const entry of [...SOURCES, ...SOURCE_FOLDERS])
      cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    switchToTerrain(copy);
    say(`installing ${TERRAIN.library} and ${TERRAIN.cli} in a copy of the project (npm registry)`);
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], copy);
    const installed = JSON.parse(readFileSync(path.join(copy, 'node_modules', 'cdktf', 'package.json'), 'utf8')) as {
      name: string;
      version: string;
    };
    say(`the copy's 'cdktf' is ${installed.name} ${installed.version}`);

    const outputs = {
      'npm run synth': path.join(scratch, 'terrain-npm-run-synth'),
      [`npx ${TERRAIN.cliName} synth`]: path.join(scratch, 'terrain-cli-synth'),
    };
    run('npm', ['run', '--silent', 'synth', '--', '--output', outputs['npm run synth']], copy);
    run('npx', [TERRAIN.cliName, 'synth', '--output', outputs[`npx ${TERRAIN.cliName} synth`]!], copy);

    const expected = stacksIn(today);
    let failed = false;
    for (const [how, outdir] of Object.entries(outputs)) {
      const got = stacksIn(outdir);
      if (!isDeepStrictEqual([...got.keys()].sort(), [...expected.keys()].sort())) {
        say(`${how}: stacks ${[...got.keys()].join(', ')}; today ${[...expected.keys()].join(', ')}`);
        failed = true;
        continue;
      }
      for (const [stack, json] of expected) {
        const differ = differences(json, got.get(stack)!);
        if (differ.length > 0) failed = true;
        say(
          `${how}, ${stack}: ${differ.length === 0 ? 'same Terraform JSON as today (but the "//" metadata)' : `DIFFERS in ${differ.join(', ')}`}`,
        );
      }
    }

    const server = await startProviderServer(installedProvider(await sharedInit(toolchain)));
    try {
      toolchain.env = { ...toolchain.env, [REATTACH_VARIABLE]: server.reattach };
      for (const stack of expected.keys()) {
        const result = await validateStack(toolchain, {
          dir: path.join(outputs['npm run synth'], 'stacks', stack),
          file: 'cdk.tf.json',
        });
        if (!result.valid || result.diagnostics.length > 0) failed = true;
        say(
          `terraform validate, ${stack}: ${result.valid ? 'valid' : 'INVALID'}${result.diagnostics.map((d) => `; ${d.severity}: ${d.summary}`).join('')}`,
        );
      }
    } finally {
      await server.stop();
    }
    say(
      failed
        ? 'FAILED: see the lines above'
        : `ok: cdktn 0.24 synthesizes the same stacks, and terraform validate accepts them`,
    );
    return failed ? 1 : 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      say(`could not run: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
