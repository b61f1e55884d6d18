// The real Terraform, offline: the binary on PATH (or TERRAFORM_BINARY) and the hashicorp/aws
// provider from a filesystem mirror (TF_PROVIDER_MIRROR, or found in the usual places). Nothing is
// ever downloaded: the CLI config written here names the mirror and no `direct {}` source.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

/** The one provider build the stacks declare (`@cdktf/provider-aws` 20.1.0). */
export const AWS_PROVIDER_VERSION = '5.100.0';
const PROVIDER_DIR = path.join('registry.terraform.io', 'hashicorp', 'aws', AWS_PROVIDER_VERSION);

/** Mirror roots tried when TF_PROVIDER_MIRROR is not set (the folder above `registry.terraform.io/`). */
const MIRROR_CANDIDATES = [
  '/opt/tf-plugins',
  path.join(homedir(), '.terraform.d', 'plugins'),
  path.join(homedir(), '.local', 'share', 'terraform', 'plugins'),
  '/usr/local/share/terraform/plugins',
  '/usr/share/terraform/plugins',
];

export interface Toolchain {
  terraform: string;
  /** The filesystem mirror the provider comes from; undefined: the operator's own terraform settings. */
  mirror?: string;
  /** Environment for every terraform process: the CLI config, no prompts, no checkpoint call. */
  env: NodeJS.ProcessEnv;
}

export class ToolchainMissing extends Error {}

function onPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, binary))) return path.join(dir, binary);
  }
  return undefined;
}

export function findProviderMirror(): string | undefined {
  const given = process.env.TF_PROVIDER_MIRROR;
  const roots = given ? [given] : MIRROR_CANDIDATES;
  return roots.find((root) => existsSync(path.join(root, PROVIDER_DIR)));
}

/**
 * The toolchain, or why it cannot be had (one line, with the fix). `offline` (tests, CI) requires the
 * mirror; otherwise, without one, terraform installs hashicorp/aws 5.100.0 as the operator's own
 * settings say (the registry, a network mirror or a plugin cache).
 */
export function findToolchain(options: { offline: boolean } = { offline: true }): Toolchain | ToolchainMissing {
  const terraform = process.env.TERRAFORM_BINARY ?? onPath('terraform');
  if (!terraform || !existsSync(terraform)) {
    return new ToolchainMissing('no terraform binary on PATH (install Terraform >= 1.7, or set TERRAFORM_BINARY)');
  }
  const mirror = findProviderMirror();
  const automation = { TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1' };
  if (!mirror && !options.offline) return { terraform, env: { ...process.env, ...automation } };
  if (!mirror) {
    return new ToolchainMissing(
      `no filesystem mirror holding hashicorp/aws ${AWS_PROVIDER_VERSION} (set TF_PROVIDER_MIRROR to the folder above registry.terraform.io/; looked in ${MIRROR_CANDIDATES.join(', ')})`,
    );
  }
  const config = cliConfig(mirror);
  return {
    terraform,
    mirror,
    env: { ...process.env, TF_CLI_CONFIG_FILE: config, ...automation },
  };
}

/** Set to the CLI config written for this process tree, so that it is written once per run. */
const CLI_CONFIG_VARIABLE = 'TERRAFORM_HARNESS_CLI_CONFIG';

function cliConfig(mirror: string): string {
  const existing = process.env[CLI_CONFIG_VARIABLE];
  if (existing && existsSync(existing)) return existing;
  const dir = mkdtempSync(path.join(tmpdir(), 'tf-cli-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, 'terraform.rc');
  writeFileSync(
    config,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
  );
  process.env[CLI_CONFIG_VARIABLE] = config;
  return config;
}

export interface TerraformRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The last command queued on each running provider (TF_REATTACH_PROVIDERS): its commands take turns. */
const turns = new Map<string, Promise<unknown>>();

/** Runs terraform asynchronously (a loopback stub in this process may have to answer it). */
export function runTerraform(toolchain: Toolchain, cwd: string, args: string[]): Promise<TerraformRun> {
  const server = toolchain.env.TF_REATTACH_PROVIDERS;
  if (!server) return spawnTerraform(toolchain, cwd, args);
  const run = (turns.get(server) ?? Promise.resolve()).then(() => spawnTerraform(toolchain, cwd, args));
  turns.set(server, run);
  void run.then(() => turns.get(server) === run && turns.delete(server));
  return run;
}

/**
 * `nice` when the system has it. terraform and the provider are Go programs that use every core for
 * seconds; at a lower CPU priority they no longer starve the processes that started them (a test
 * run's jest workers, whose exit jest times at 500 ms).
 */
const NICE = onPath('nice');
const LOWER_PRIORITY = ['-n', '10'];

function spawnTerraform(toolchain: Toolchain, cwd: string, args: string[]): Promise<TerraformRun> {
  const [command, commandArgs] = NICE
    ? [NICE, [...LOWER_PRIORITY, toolchain.terraform, ...args]]
    : [toolchain.terraform, args];
  return new Promise((resolve) => {
    execFile(
      command,
      commandArgs,
      { cwd, env: toolchain.env, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs terraform and returns stdout, or throws with its own error text. */
export async function terraformOrThrow(toolchain: Toolchain, cwd: string, args: string[]): Promise<string> {
  const run = await runTerraform(toolchain, cwd, args);
  if (run.code !== 0) {
    throw new Error(`terraform ${args[0]} failed in ${cwd}:\n${(run.stderr || run.stdout).trim()}`);
  }
  return run.stdout;
}
