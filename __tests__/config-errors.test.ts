// A config mistake is reported once, against the file that holds it: environments/common.ts for the
// shared service catalog, environments/<env>.ts for what the environment writes itself.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, parseEnvironment } from '../environments';
import { serviceCatalog } from '../environments/common';
import { dev } from '../environments/dev';

const ROOT = path.join(__dirname, '..');
const SCRATCH = mkdtempSync(path.join(tmpdir(), 'config-errors-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

function errorOf(input: unknown): ConfigError {
  try {
    parseEnvironment(input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const SINGLETON_PROBLEM =
  'scheduler.services[18] (service "fileflow-scheduler-download").upCount: a singleton service never runs more than one task, but upCount is 2';

describe('which file a config error names', () => {
  it('environments/common.ts for a mistake in the shared service catalog', () => {
    const services = serviceCatalog('dev');
    Object.assign(services[18]!, { upCount: 2 }); // what an edit of common.ts does
    const error = errorOf({ ...dev, scheduler: { ...dev.scheduler, services } });
    expect(error.files).toEqual(['environments/common.ts']);
    expect(error.message).toMatch(/^Invalid configuration for environment "dev" \(environments\/common\.ts\):\n/);
  });

  it('environments/<env>.ts for a service entry the environment wrote itself', () => {
    const services = serviceCatalog('dev');
    services[18] = { ...services[18]!, upCount: 2 };
    const error = errorOf({ ...dev, scheduler: { ...dev.scheduler, services } });
    expect(error.files).toEqual(['environments/dev.ts']);
  });

  it('both, each problem with its file, when both hold one', () => {
    const services = serviceCatalog('dev');
    Object.assign(services[18]!, { upCount: 2 });
    const scaleDown = { time: '09:00', weekdays: 'MON-FRI' };
    const error = errorOf({ ...dev, scheduler: { ...dev.scheduler, services, scaleDown } });
    expect(error.files).toEqual(['environments/dev.ts', 'environments/common.ts']);
    expect(error.message).toContain('  - environments/dev.ts: scheduler.scaleDown.time');
    expect(error.message).toContain(`  - environments/common.ts: ${SINGLETON_PROBLEM}`);
  });
});

describe('npm run synth with a mistake in environments/common.ts', () => {
  it('stops before cdktf, printing the error once and naming common.ts', async () => {
    // A copy of the app whose common.ts has the mistake; node_modules is shared.
    const copy = path.join(SCRATCH, 'app');
    for (const entry of [
      'main.ts',
      'cdktf.json',
      'package.json',
      'tsconfig.json',
      'constructs',
      'environments',
      'functions',
      'shared',
      'scripts',
    ]) {
      cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
    const common = path.join(copy, 'environments', 'common.ts');
    const fixed = "service: 'fileflow-scheduler-download', singleton: true }";
    const source = readFileSync(common, 'utf8');
    expect(source).toContain(fixed);
    writeFileSync(
      common,
      source.replace(fixed, "service: 'fileflow-scheduler-download', singleton: true, upCount: 2 }"),
    );

    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = await promisify(execFile)(npm, ['run', '--silent', 'synth'], { cwd: copy }).then(
      () => ({ code: 0, stdout: '', stderr: '' }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n').slice(0, 3)).toEqual([
      'Invalid configuration for environment "dev" (environments/common.ts):',
      `  - ${SINGLETON_PROBLEM}; set upCount to 1 or remove "singleton: true"`,
      'See help/configuration.md for every field, its default and its limits.',
    ]);
    expect(result.stderr.split(SINGLETON_PROBLEM)).toHaveLength(2); // once
    expect(result.stdout).toBe('');
  }, 60_000);
});
