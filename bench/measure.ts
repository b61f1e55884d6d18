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

export interface PairedTiming {
  floor: Timing;
  figure: Timing;
  /** Median of figure/floor over the pairs: steadier than a ratio of medians when the machine's speed drifts. */
  ratio: number;
}

type Command = [string, string[]];

/**
 * Runs the floor and the figure in turn (floor, figure, floor, figure, ...) after one uncounted run of
 * each (warm disk cache and bundle cache), and pairs their times.
 */
export function timeAgainstFloor(floor: Command, figure: Command, runs: number, cwd: string): PairedTiming {
  timeProcess(...floor, 1, cwd);
  timeProcess(...figure, 1, cwd);
  const floorRuns: number[] = [];
  const figureRuns: number[] = [];
  for (let i = 0; i < runs; i++) {
    floorRuns.push(timeProcess(...floor, 1, cwd).runs[0]!);
    figureRuns.push(timeProcess(...figure, 1, cwd).runs[0]!);
  }
  const ratios = figureRuns.map((t, i) => t / floorRuns[i]!);
  return {
    floor: { median: median(floorRuns), runs: floorRuns },
    figure: { median: median(figureRuns), runs: figureRuns },
    ratio: Math.round(median(ratios) * 100) / 100,
  };
}
