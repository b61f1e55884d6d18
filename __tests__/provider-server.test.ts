// The running provider the real-Terraform checks attach to (scripts/terraform/provider-server.ts):
// started, reported when it cannot start, and never outliving the process that started it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { installedProvider, startProviderServer } from '../scripts/terraform/provider-server';
import { sharedInit } from '../scripts/terraform/workspace';
import { describeWithTerraform, TERRAFORM_TIMEOUT_MS } from './support/terraform';

interface Reattach {
  [provider: string]: { Pid: number; Addr: { Network: string; String: string } };
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Whether `holds()` comes true within `withinMs`: polled, as another process's end sends this one no event. */
async function within(withinMs: number, holds: () => boolean): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (!holds() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return holds();
}

it('reports a provider that exits before serving, at once, with its exit code', async () => {
  await expect(startProviderServer('/bin/false')).rejects.toThrow(
    /\/bin\/false did not start in debug mode: it exited \(1\)/,
  );
});

describeWithTerraform('a running hashicorp/aws', (toolchain) => {
  let binary: string;
  beforeAll(async () => {
    binary = installedProvider(await sharedInit(toolchain));
  }, TERRAFORM_TIMEOUT_MS);

  it(
    'serves on a socket in a folder of its own at a lower CPU priority, and stop() ends it and removes the folder',
    async () => {
      const server = await startProviderServer(binary);
      const [entry] = Object.values(JSON.parse(server.reattach) as Reattach);
      expect(entry!.Addr.Network).toBe('unix');
      expect(existsSync(entry!.Addr.String)).toBe(true);
      expect(isRunning(entry!.Pid)).toBe(true);
      // Linux: the 19th field of /proc/<pid>/stat is the nice value (lower priority than the tests).
      const stat = `/proc/${entry!.Pid}/stat`;
      if (existsSync(stat)) expect(readFileSync(stat, 'utf8').split(') ')[1]!.split(' ')[16]).toBe('10');
      await server.stop();
      expect(isRunning(entry!.Pid)).toBe(false);
      expect(existsSync(path.dirname(entry!.Addr.String))).toBe(false);
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    'ends with the process that started it, even when that process is killed',
    async () => {
      // A Node process starts a provider, prints its reattach value, and is then killed outright.
      const starter = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '-e',
          `require('./scripts/terraform/provider-server.ts').startProviderServer(${JSON.stringify(binary)})
             .then((s) => { console.log(s.reattach); setInterval(() => undefined, 1000); });`,
        ],
        { cwd: path.join(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let printed = '';
      const reattach = await new Promise<Reattach>((resolve, reject) => {
        starter.once('exit', (code) => reject(new Error(`the starter exited (${code}) before the provider served`)));
        starter.stdout.on('data', (chunk: Buffer) => {
          printed += chunk.toString();
          if (printed.includes('\n')) resolve(JSON.parse(printed) as Reattach);
        });
      });
      const [entry] = Object.values(reattach);
      expect(isRunning(entry!.Pid)).toBe(true);
      starter.kill('SIGKILL');
      expect(await within(60_000, () => !isRunning(entry!.Pid))).toBe(true);
      expect(await within(60_000, () => !existsSync(path.dirname(entry!.Addr.String)))).toBe(true);
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
