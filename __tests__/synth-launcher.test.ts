// `npm run synth` without the CDKTF CLI (scripts/app-bundle/synth.js): the same files as a real
// `npx cdktf synth`, byte for byte; the CLI's environment for the app, its stack-folder cleanup and
// its annotations; and a config mistake said once, also under plain `npx cdktf synth`, which then
// makes no checkpoint report.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { appEnvironment, parseOptions, synth } from '../scripts/app-bundle/synth';
import { testEnvironment } from './support/environment-builder';
import { projectCopy } from './support/project-copy';

const ROOT = path.join(__dirname, '..');
const SCRATCH = mkdtempSync(path.join(tmpdir(), 'synth-launcher-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runIn(cwd: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return promisify(execFile)(command, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

/** Every file under `dir` (relative path → bytes). */
function tree(dir: string, prefix = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    const relative = path.join(prefix, name);
    if (statSync(full).isDirectory()) for (const [k, v] of tree(full, relative)) files.set(k, v);
    else files.set(relative, readFileSync(full));
  }
  return files;
}

/** A stack folder the app no longer writes, left by an earlier synth: both remove it. */
function withStaleStack(outdir: string): string {
  mkdirSync(path.join(outdir, 'stacks', 'gone'), { recursive: true });
  writeFileSync(path.join(outdir, 'stacks', 'gone', 'cdk.tf.json'), '{}');
  return outdir;
}

describe('npm run synth against a real `npx cdktf synth`', () => {
  it('writes the same files, byte for byte, and removes the same stale stack folder', async () => {
    const env = { ...process.env, CHECKPOINT_DISABLE: '1' };
    const viaCli = withStaleStack(path.join(SCRATCH, 'cli'));
    const viaLauncher = withStaleStack(path.join(SCRATCH, 'launcher'));
    const [cli, launcher] = await Promise.all([
      runIn(ROOT, 'npx', ['cdktf', 'synth', '--output', viaCli], env),
      runIn(ROOT, process.execPath, ['scripts/app-bundle/synth.js', '--output', viaLauncher], env),
    ]);
    expect({ code: cli.code, stderr: cli.code ? cli.stderr : '' }).toEqual({ code: 0, stderr: '' });
    expect(launcher).toEqual({ code: 0, stdout: 'Generated Terraform code for the stacks: dev, stg\n', stderr: '' });

    const [fromCli, fromLauncher] = [tree(viaCli), tree(viaLauncher)];
    expect([...fromLauncher.keys()]).toEqual([...fromCli.keys()]);
    expect([...fromLauncher.keys()]).toEqual(expect.arrayContaining(['manifest.json', 'stacks/dev/cdk.tf.json']));
    expect([...fromLauncher.keys()].filter((f) => f.includes('gone'))).toEqual([]);
    for (const [file, bytes] of fromCli)
      expect({ file, same: fromLauncher.get(file)!.equals(bytes) }).toEqual({ file, same: true });

    // Non-ASCII text (the Korean alarm descriptions) reads as itself, not as \uXXXX escapes.
    const dev = fromLauncher.get('stacks/dev/cdk.tf.json')!.toString('utf8');
    expect(dev).toMatch(/"alarm_description": "[^"]*[가-힣]/);
    expect(dev).not.toMatch(/\\u[0-9a-fA-F]{4}/);
  }, 240_000);
});

describe('the environment the app gets (as cdktf-cli 0.21 gives it)', () => {
  it('drops TF_VAR_*, sets the outdir, the context, the HCL switch and the CLI memory default', () => {
    const env = appEnvironment({ PATH: '/bin', TF_VAR_token: 'x', KEEP: '1' }, 'out', true, ['./module']);
    expect(env).toEqual({
      PATH: '/bin',
      KEEP: '1',
      NODE_OPTIONS: '--max-old-space-size=4096',
      CDKTF_OUTDIR: 'out',
      CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS: 'true',
      CDKTF_CONTEXT_JSON: '{"cdktfRelativeModules":["./module"]}',
      SYNTH_HCL_OUTPUT: 'true',
      CDKTF_SYNTH_LAUNCHER: 'app-bundle',
    });
  });

  it("keeps the caller's NODE_OPTIONS and context", () => {
    const env = appEnvironment({ NODE_OPTIONS: '--trace-warnings', CDKTF_CONTEXT_JSON: '{"a":1}' }, 'o', false, []);
    expect(env.NODE_OPTIONS).toBe('--trace-warnings');
    expect(env.CDKTF_CONTEXT_JSON).toBe('{"a":1,"cdktfRelativeModules":[]}');
    expect(env.SYNTH_HCL_OUTPUT).toBe('false');
  });

  it('takes --hcl and --output, and names the options on anything else', () => {
    expect(parseOptions(['--hcl', '--output', 'x'])).toEqual({ hcl: true, output: 'x' });
    expect(parseOptions(['--output=y'])).toEqual({ hcl: false, output: 'y' });
    expect(() => parseOptions(['--json'])).toThrow(/unknown option "--json"\. usage: npm run synth/);
    expect(() => parseOptions(['--output'])).toThrow(/--output needs a folder/);
  });
});

describe('what the launcher does with what the app wrote', () => {
  let root: string;
  let stderr: string[];
  beforeEach(() => {
    root = mkdtempSync(path.join(SCRATCH, 'fake-app-'));
    stderr = [];
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
    jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => jest.restoreAllMocks());

  /** A project whose app writes `manifest` to its outdir and exits with `code`. */
  function fakeApp(manifest: unknown, code = 0): void {
    const script = [
      "const fs = require('fs'); const path = require('path');",
      `fs.mkdirSync(process.env.CDKTF_OUTDIR, { recursive: true });`,
      `fs.writeFileSync(path.join(process.env.CDKTF_OUTDIR, 'manifest.json'), ${JSON.stringify(JSON.stringify(manifest))});`,
      `process.exit(${code});`,
    ].join(' ');
    writeFileSync(path.join(root, 'app.js'), script);
    writeFileSync(path.join(root, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node app.js' }));
  }
  const manifest = (annotations: unknown[]) => ({
    stacks: { qa: { name: 'qa', synthesizedStackPath: 'stacks/qa/cdk.tf.json', annotations } },
  });

  it('prints warnings as the CLI does and succeeds', async () => {
    fakeApp(manifest([{ level: '@cdktf/warn', constructPath: 'qa', message: 'check the time zone' }]));
    expect(await synth(root, [])).toBe(0);
    expect(stderr.join('')).toBe('WARN [qa]: check the time zone\n');
  });

  it('fails on an error annotation', async () => {
    fakeApp(manifest([{ level: '@cdktf/error', constructPath: 'qa/x', message: 'bad reference' }]));
    expect(await synth(root, [])).toBe(1);
    expect(stderr.join('')).toMatch(/^ERROR \[qa\/x\]: bad reference\nsynth: the app reported errors/);
  });

  it("passes on the app's exit code, and fails when the app wrote no manifest", async () => {
    fakeApp(manifest([]), 3);
    expect(await synth(root, [])).toBe(3);
    writeFileSync(path.join(root, 'cdktf.json'), JSON.stringify({ language: 'typescript', app: 'node -e 0' }));
    rmSync(path.join(root, 'cdktf.out'), { recursive: true, force: true });
    expect(await synth(root, [])).toBe(1);
    expect(stderr.join('')).toMatch(/synth: the app \("node -e 0"\) exited without writing .*manifest\.json/);
  });
});

describe('a config mistake', () => {
  const accountProblem = /accountId/;
  let copy: string;
  beforeAll(() => {
    copy = projectCopy({
      dev: testEnvironment({ name: 'dev', accountId: '12345' }),
      stg: testEnvironment({ name: 'stg' }),
    });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('npm run synth says it once and exits 1', async () => {
    const run = await runIn(copy, process.execPath, ['scripts/app-bundle/synth.js'], process.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^Invalid configuration for environment "dev" \(environments\/dev\.ts\):/);
    expect(run.stderr.split('environments/dev.ts')).toHaveLength(2);
    expect(run.stderr).toMatch(accountProblem);
    expect(run.stdout).toBe('');
  }, 120_000);

  it('plain `npx cdktf synth` says it once, removes the stale manifest, exits 1 and makes no checkpoint call', async () => {
    // Every HTTPS request the CLI (or the app) starts is recorded and refused.
    const requests = path.join(copy, 'https-requests.log');
    const hook = path.join(copy, 'record-https.js');
    writeFileSync(
      hook,
      [
        "const https = require('https'); const fs = require('fs');",
        'https.request = function (...args) {',
        `  fs.appendFileSync(${JSON.stringify(requests)}, JSON.stringify(args[0]) + '\\n');`,
        "  throw new Error('no network in this test');",
        '};',
      ].join('\n'),
    );
    mkdirSync(path.join(copy, 'cdktf.out'), { recursive: true });
    writeFileSync(path.join(copy, 'cdktf.out', 'manifest.json'), '{"stacks":{}}'); // from an earlier synth
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${hook}`, CI: 'true' };
    delete env.CHECKPOINT_DISABLE;
    const run = await runIn(copy, 'npx', ['cdktf', 'synth'], env);
    const output = run.stdout + run.stderr;
    expect(run.code).toBe(1);
    expect(output.split('Invalid configuration for environment "dev"')).toHaveLength(2);
    expect(output).toMatch(accountProblem);
    expect(output).not.toMatch(/checkpoint|telemetry|ENOTFOUND/i);
    expect(() => readFileSync(requests, 'utf8')).toThrow(/ENOENT/);
    expect(() => statSync(path.join(copy, 'cdktf.out', 'manifest.json'))).toThrow(/ENOENT/);
  }, 240_000);
});
