// The app as `cdktf synth` runs it: cdktf.json's `app` command (the cached app bundle, scripts/app-bundle/),
// for the scripts that synthesize into a folder of their own.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');

/** cdktf.json's app command, with this process's Node for `node`. */
export function appCommand(): [string, string[]] {
  const { app } = JSON.parse(readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')) as { app: string };
  const [command, ...args] = app.split(' ');
  return command === 'node' ? [process.execPath, args] : [command!, args];
}

/** Synthesizes the app into `outdir` as JSON; throws with the app's stderr when it fails. */
export function synthesizeApp(outdir: string): void {
  const [command, args] = appCommand();
  const result = spawnSync(command, args, {
    cwd: ROOT,
    env: { ...process.env, CDKTF_OUTDIR: outdir, SYNTH_HCL_OUTPUT: 'false' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`synth failed (${command} ${args.join(' ')}): ${(result.stderr || String(result.error)).trim()}`);
  }
}
