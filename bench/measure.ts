// Wall-clock timing of whole processes, and medians.
import { spawnSync } from 'node:child_process';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Timing {
  /** Median wall-clock seconds. */
  median: number;
  runs: number[];
}

/** Runs a command `runs` times and returns the median wall-clock time; throws when it fails. */
export function timeProcess(command: string, args: string[], runs: number, cwd: string): Timing {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, {
      cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (result.status !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} failed (exit ${result.status}): ${String(result.stderr).slice(-2000)}`,
      );
    }
    times.push(Math.round(seconds * 1000) / 1000);
  }
  return { median: median(times), runs: times };
}
