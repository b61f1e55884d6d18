// The deploy / diff orchestration with the command runner injected: no terraform needed.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { MigrationReport } from '../scripts/migration/plan';
import { DeployStop, type Host } from '../scripts/deploy/prerequisites';
import { deploy, diff, type WorkflowDeps } from '../scripts/deploy/workflow';

const HOME = '/home/operator';
const TERRAFORM = '/opt/tools/terraform';

function host(files: string[], env: Record<string, string> = {}): Host {
  return { env: { PATH: '/usr/bin:/opt/tools', ...env }, homeDir: HOME, fileExists: (p) => files.includes(p) };
}
const READY = host([TERRAFORM, `${HOME}/.aws/config`, `${HOME}/.terraform.d/credentials.tfrc.json`]);

const okReport = (moved = 89): MigrationReport => ({
  stack: 'dev',
  moved: Array.from({ length: moved }, (_, i) => ({ from: `module.m${i}.x.y`, to: `x.m${i}` })),
  unchanged: [],
  updated: [],
  droppedDataSources: [],
  replaced: [],
  destroyed: [],
  created: [],
  imported: [],
  ok: true,
});

function harness(options: { host?: Host; exitCodes?: Record<string, number>; report?: MigrationReport } = {}) {
  const calls: string[] = [];
  const said: string[] = [];
  const preflights: string[] = [];
  const deps: WorkflowDeps = {
    runner: (command, args) => {
      const line = [command, ...args].join(' ');
      calls.push(line);
      return Promise.resolve(options.exitCodes?.[line] ?? 0);
    },
    host: options.host ?? READY,
    preflight: (stack, file) => {
      preflights.push(`${stack}:${file}`);
      if (file === 'unreadable.json') throw new Error('unreadable.json is not JSON');
      return options.report ?? okReport();
    },
    say: (line) => said.push(line),
    cloudHostnames: ['app.terraform.io'],
  };
  return { deps, calls, said, preflights };
}

async function stopOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DeployStop) return error.message;
    throw error;
  }
  throw new Error('expected the workflow to stop');
}

describe('npm run deploy', () => {
  it('runs the tests, then deploys dev, then stg, passing --auto-approve through', async () => {
    const h = harness();
    await deploy({ autoApprove: true, states: {} }, h.deps);
    expect(h.calls).toEqual(['npm test', 'npx cdktf deploy dev --auto-approve', 'npx cdktf deploy stg --auto-approve']);
  });

  it('asks before applying unless --auto-approve is given', async () => {
    const h = harness();
    await deploy({ autoApprove: false, states: {} }, h.deps);
    expect(h.calls.slice(1)).toEqual(['npx cdktf deploy dev', 'npx cdktf deploy stg']);
  });

  it('does not deploy stg when dev failed, and says so', async () => {
    const h = harness({ exitCodes: { 'npx cdktf deploy dev': 1 } });
    expect(await stopOf(deploy({ autoApprove: false, states: {} }, h.deps))).toBe(
      'cdktf deploy dev failed (exit 1); stg not deployed',
    );
    expect(h.calls).toEqual(['npm test', 'npx cdktf deploy dev']);
  });

  it('refuses to start when the tests fail', async () => {
    const h = harness({ exitCodes: { 'npm test': 1 } });
    expect(await stopOf(deploy({ autoApprove: true, states: {} }, h.deps))).toBe(
      'npm test failed (exit 1): nothing was deployed; fix the tests first',
    );
    expect(h.calls).toEqual(['npm test']);
  });

  it('runs the migration preflight for each given state before deploying anything', async () => {
    const h = harness();
    await deploy({ autoApprove: false, states: { dev: 'dev.json', stg: 'stg.json' } }, h.deps);
    expect(h.preflights).toEqual(['dev:dev.json', 'stg:stg.json']);
    expect(h.said).toContain('migration preflight for dev: ok (89 moved, 0 destroyed as allowed)');
  });

  it('refuses to start when a preflight fails, naming the stack and the counts', async () => {
    const report = {
      ...okReport(),
      destroyed: [{ address: 'module.x.aws_iam_role.r', allowed: false, reason: 'no moved block' }],
      ok: false,
    };
    const h = harness({ report });
    expect(await stopOf(deploy({ autoApprove: true, states: { stg: 'stg.json' } }, h.deps))).toBe(
      'migration preflight for stg failed (1 destroyed not allowed, 0 replaced not intended): see `npm run migrate:check -- --stack stg --state stg.json`',
    );
    expect(h.calls).toEqual(['npm test']);
  });

  it('refuses when a state file cannot be read, or names no stack', async () => {
    const h = harness();
    expect(await stopOf(deploy({ autoApprove: false, states: { dev: 'unreadable.json' } }, h.deps))).toBe(
      'migration preflight for dev could not run: unreadable.json is not JSON',
    );
    expect(await stopOf(deploy({ autoApprove: false, states: { prod: 'p.json' } }, h.deps))).toContain(
      '--state prod=...: no stack "prod"',
    );
  });

  it.each([
    ['no terraform on PATH', host([`${HOME}/.aws/config`]), /^no terraform binary on PATH/],
    [
      'no AWS credentials',
      host([TERRAFORM, `${HOME}/.terraform.d/credentials.tfrc.json`]),
      /^no AWS credentials found/,
    ],
    [
      'no HCP Terraform token',
      host([TERRAFORM], { AWS_PROFILE: 'dev' }),
      /^no HCP Terraform token for app\.terraform\.io: run `terraform login`/,
    ],
  ])('stops at once with %s, before running anything', async (_what, h0, message) => {
    const h = harness({ host: h0 });
    expect(await stopOf(deploy({ autoApprove: true, states: {} }, h.deps))).toMatch(message);
    expect(h.calls).toEqual([]);
  });

  it('accepts credentials from the environment and a token variable', async () => {
    const h = harness({ host: host([TERRAFORM], { AWS_ACCESS_KEY_ID: 'AKIA', TF_TOKEN_app_terraform_io: 't' }) });
    await deploy({ autoApprove: false, states: {} }, h.deps);
    expect(h.calls).toHaveLength(3);
  });
});

describe('npm run diff', () => {
  it('runs cdktf diff for the stack and returns its exit code', async () => {
    const h = harness({ exitCodes: { 'npx cdktf diff stg': 2 } });
    expect(await diff('stg', h.deps)).toBe(2);
    expect(h.calls).toEqual(['npx cdktf diff stg']);
  });

  it('asks which stack, and needs terraform too', async () => {
    expect(await stopOf(diff(undefined, harness().deps))).toBe(
      'which stack? give one of dev, stg: npm run diff -- dev',
    );
    expect(await stopOf(diff('dev', harness({ host: host([]) }).deps))).toMatch(/^no terraform binary on PATH/);
  });
});

describe('npm run deploy, as a process with no terraform on PATH', () => {
  it('exits non-zero with a one-line explanation', async () => {
    const run = promisify(execFile);
    const root = path.join(__dirname, '..');
    const result = await run(process.execPath, ['--import', 'tsx', 'scripts/deploy.ts', 'deploy'], {
      cwd: root,
      env: { ...process.env, PATH: path.dirname(process.execPath) },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'deploy: no terraform binary on PATH: cdktf runs terraform to plan and apply. Install Terraform 1.7 or later (https://developer.hashicorp.com/terraform/install) and retry',
    ]);
  });
});
