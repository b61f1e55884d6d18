// A running hashicorp/aws that terraform commands attach to through Terraform's own reattach protocol
// (TF_REATTACH_PROVIDERS): the binary the shared init installed, started once in its `-debug` serving
// mode. Each terraform process otherwise starts the provider two to four times (about 0.9 s of CPU
// each) and hashes its 700 MB binary against the lock file. The provider accepts one configuration
// per process, so a server serves any number of validates but a single plan (and its show).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AWS_PROVIDER_VERSION } from './toolchain';

/** Terraform's variable naming providers that already run. */
export const REATTACH_VARIABLE = 'TF_REATTACH_PROVIDERS';

/** How long the provider may take to print its address on a loaded machine. */
const START_TIMEOUT_MS = 120_000;

export interface ProviderServer {
  /** The value for TF_REATTACH_PROVIDERS. */
  reattach: string;
  /** Ends the provider and waits for it. */
  stop: () => Promise<void>;
}

/** The provider binary inside a `terraform init` folder. */
export function installedProvider(initDir: string): string {
  const versionDir = path.join(
    initDir,
    '.terraform',
    'providers',
    'registry.terraform.io',
    'hashicorp',
    'aws',
    AWS_PROVIDER_VERSION,
  );
  for (const platform of existsSync(versionDir) ? readdirSync(versionDir) : []) {
    const binary = readdirSync(path.join(versionDir, platform)).find((f) => f.startsWith('terraform-provider-aws'));
    if (binary) return path.join(versionDir, platform, binary);
  }
  throw new Error(
    `no hashicorp/aws ${AWS_PROVIDER_VERSION} binary under ${versionDir} (terraform init did not install it)`,
  );
}

// The shell in between ends the provider when its standard input closes: on stop(), and when the
// Node process that started it dies in any way, so that no provider outlives its test run. It exits
// with the provider, so a provider that cannot start is reported at once.
// TMPDIR is a folder of its own, removed with the provider's socket in it.
const WATCHDOG = [
  'exec 3<&0', // a background job's own standard input is /dev/null
  'lower=; command -v nice >/dev/null 2>&1 && lower="nice -n 10"', // as terraform (toolchain.ts: NICE)
  '$lower "$0" -debug </dev/null 3<&- & provider=$!',
  'exec 2>/dev/null', // the shell's own notices: a write to a dead parent's pipe would end it early
  '(read -r _ <&3; kill "$provider" 2>/dev/null) &',
  'wait "$provider"; status=$?',
  'rm -rf "$TMPDIR"',
  'exit "$status"',
].join('\n');

/** A socket path holds at most 104 bytes (macOS): a long TMPDIR (a test run's, macOS's own) gives way to /tmp. */
function socketBase(): string {
  return tmpdir().length > 40 && existsSync('/tmp') ? '/tmp' : tmpdir();
}

export function startProviderServer(binary: string): Promise<ProviderServer> {
  const socketDir = mkdtempSync(path.join(socketBase(), 'tf-provider-'));
  const child = spawn('/bin/sh', ['-c', WATCHDOG, binary], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: socketDir },
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.stdin.end();
      reject(new Error(`hashicorp/aws ${binary} did not start in debug mode: ${reason}\n${output.trim()}`));
    };
    const timer = setTimeout(() => fail(`no address after ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const early = (code: number | null) => fail(`it exited (${code})`);
    child.once('exit', early);
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const reattach = /TF_REATTACH_PROVIDERS='(\{.*\})'/.exec(output)?.[1];
      if (!reattach) return;
      clearTimeout(timer);
      child.off('exit', early);
      // From here the provider only logs: keep draining its output, but let the process exit.
      output = '';
      child.stdout.removeAllListeners('data').on('data', () => undefined);
      child.stderr.removeAllListeners('data').on('data', () => undefined);
      for (const stream of [child.stdin, child.stdout, child.stderr]) (stream as unknown as { unref(): void }).unref();
      child.unref();
      resolve({
        reattach,
        stop: async () => {
          child.ref();
          child.stdin.end();
          await exited;
        },
      });
    });
  });
}
