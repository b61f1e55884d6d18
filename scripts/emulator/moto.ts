// moto_server (moto 5.2.1), the AWS emulator, on a loopback port: started for one account, ended
// with the process that started it (a watchdog shell, as for the provider in provider-server.ts).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** How long moto may take to answer on a loaded machine. */
const START_TIMEOUT_MS = 120_000;

export interface Moto {
  /** `http://127.0.0.1:<port>`: every service's endpoint. */
  endpoint: string;
  /** Forgets every resource (moto's own reset API). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** The moto_server on PATH (or MOTO_SERVER), or undefined. */
export function findMotoServer(): string | undefined {
  const given = process.env.MOTO_SERVER;
  if (given) return existsSync(given) ? given : undefined;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'moto_server'))) return path.join(dir, 'moto_server');
  }
  return undefined;
}

// The shell ends moto when its standard input closes: on stop(), and when the Node process that
// started it dies in any way.
const WATCHDOG = [
  'exec 3<&0',
  '"$0" -H 127.0.0.1 -p 0 </dev/null 3<&- & server=$!',
  'exec 2>/dev/null',
  '(read -r _ <&3; kill "$server" 2>/dev/null) &',
  'wait "$server"',
].join('\n');

/**
 * Starts moto for `account` (MOTO_ACCOUNT_ID: the account the stacks allow) with the AWS managed IAM
 * policies loaded (the legacy attaches AWSLambdaBasicExecutionRole).
 */
export function startMoto(binary: string, account: string): Promise<Moto> {
  const child = spawn('/bin/sh', ['-c', WATCHDOG, binary], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, MOTO_ACCOUNT_ID: account, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.stdin.end();
      reject(new Error(`moto_server did not start: ${reason}\n${output.trim()}`));
    };
    const timer = setTimeout(() => fail(`no address after ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    const early = (code: number | null) => fail(`it exited (${code})`);
    child.once('exit', early);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const endpoint = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (!endpoint) return;
      clearTimeout(timer);
      child.off('exit', early);
      child.stdout.removeAllListeners('data').on('data', () => undefined);
      child.stderr.removeAllListeners('data').on('data', () => undefined);
      resolve({
        endpoint,
        reset: async () => {
          const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
          if (!response.ok) throw new Error(`moto reset: HTTP ${response.status}`);
        },
        stop: async () => {
          child.stdin.end();
          await exited;
        },
      });
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
  });
}
