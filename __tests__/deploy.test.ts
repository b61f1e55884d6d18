// The deploy / diff orchestration with the command runner injected: no terraform needed.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseEnvironment } from '../environments';
import type { EnvironmentConfig } from '../environments/schema';
import { PLACEHOLDER_ACCOUNT_ID, PLACEHOLDER_ONCALL_EMAIL } from '../environments/placeholders';
import type { MigrationReport } from '../scripts/migration/plan';
import { DeployStop, type Host } from '../scripts/deploy/prerequisites';
import { deploy, diff, type DeployOptions, type WorkflowDeps } from '../scripts/deploy/workflow';
import { LIVE_CHECKS } from '../scripts/preflight/gate';
import { testEnvironment } from './support/environment-builder';
import { describeProcess } from './support/tiers';

const HOME = '/home/operator';
const TERRAFORM = '/opt/tools/terraform';

function host(files: string[], env: Record<string, string> = {}): Host {
  return { env: { PATH: '/usr/bin:/opt/tools', ...env }, homeDir: HOME, fileExists: (p) => files.includes(p) };
}
const STATE_FILES = ['dev.json', 'stg.json', 'unreadable.json', 'legacy.json'];
const READY = host([TERRAFORM, `${HOME}/.aws/config`, `${HOME}/.terraform.d/credentials.tfrc.json`, ...STATE_FILES]);
/** Two environments, scaling at 09:00 and 18:00 KST on weekdays, with a 20-minute wave deadline. */
const timing = { scaleUp: { time: '09:00' }, scaleDown: { time: '18:00' } };
const ENVIRONMENTS: EnvironmentConfig[] = ['dev', 'stg'].map((name) =>
  parseEnvironment(testEnvironment({ name, scheduler: timing, slackNotifier: { waveGraceMinutes: 20 } })),
);
/** Wednesday 12:00 KST: no wave, window or deadline near (new: 09:00 / 18:00; legacy: 00:00 / 09:00). */
const QUIET = new Date('2026-11-25T03:00:00Z');
const checksOf = (envs: string) => `LIVE_ENVIRONMENTS=${envs} REQUIRE_REAL_TERRAFORM=1 npx ${LIVE_CHECKS.join(' ')}`;
const CHECKS = checksOf('dev,stg');
const LEGACY_STATE = 'legacy.json';

const options = (changes: Partial<DeployOptions> = {}): DeployOptions => ({
  autoApprove: false,
  states: {},
  stacks: [],
  forceWindow: false,
  windowMinutes: 30,
  ...changes,
});

const okReport = (moved = 89): MigrationReport => ({
  stack: 'dev',
  legacy: [],
  moved: Array.from({ length: moved }, (_, i) => ({ from: `module.m${i}.x.y`, to: `x.m${i}` })),
  unchanged: [],
  updated: [],
  droppedDataSources: [],
  replaced: [],
  destroyed: [],
  created: [],
  imported: [],
  notes: [],
  problems: [],
  ok: true,
});

function harness(
  options: {
    host?: Host;
    exitCodes?: Record<string, number>;
    report?: MigrationReport;
    clock?: Date[];
    environments?: EnvironmentConfig[];
  } = {},
) {
  const calls: string[] = [];
  const said: string[] = [];
  const preflights: string[] = [];
  const deps: WorkflowDeps = {
    runner: (command, args, env = {}) => {
      const vars = Object.entries(env).map(([k, v]) => `${k}=${v}`);
      const line = [...vars, command, ...args].join(' ');
      calls.push(line);
      return Promise.resolve(options.exitCodes?.[line] ?? 0);
    },
    host: options.host ?? READY,
    preflight: (stack, file, cloudwatch) => {
      preflights.push(`${stack}:${file}${cloudwatch ? `+${cloudwatch}` : ''}`);
      if (file === 'unreadable.json') throw new Error('unreadable.json is not JSON');
      return options.report ?? okReport();
    },
    holdsLegacySchedules: (file) => file === LEGACY_STATE,
    say: (line) => said.push(line),
    cloudHostnames: ['app.terraform.io'],
    environments: options.environments ?? ENVIRONMENTS,
    // Each read of the clock takes the next time given (the last one stays).
    now: () => (options.clock && options.clock.length > 1 ? options.clock.shift()! : (options.clock?.[0] ?? QUIET)),
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
  it('runs the gate (the live-config checks of the environments deployed), then deploys dev, then stg', async () => {
    const h = harness();
    await deploy(options({ autoApprove: true }), h.deps);
    expect(h.calls).toEqual([CHECKS, 'npx cdktf deploy dev --auto-approve', 'npx cdktf deploy stg --auto-approve']);
  });

  it('asks before applying unless --auto-approve is given', async () => {
    const h = harness();
    await deploy(options(), h.deps);
    expect(h.calls.slice(1)).toEqual(['npx cdktf deploy dev', 'npx cdktf deploy stg']);
  });

  it('deploys only the environments named: `npm run deploy -- dev` checks and deploys dev alone', async () => {
    const h = harness();
    await deploy(options({ stacks: ['dev'], states: { dev: 'dev.json' } }), h.deps);
    expect(h.calls).toEqual([checksOf('dev'), 'npx cdktf deploy dev']);
    expect(h.preflights).toEqual(['dev:dev.json']);
    expect(h.said[0]).toBe('schedule window: no wave, window or deadline of dev in the next 30 minutes');
    expect(h.said.at(-1)).toBe('deployed dev');
    const both = harness();
    await deploy(options({ stacks: ['stg', 'dev'] }), both.deps);
    expect(both.calls.slice(1)).toEqual(['npx cdktf deploy dev', 'npx cdktf deploy stg']); // always in order
  });

  it('refuses an unknown environment, or a state for an environment this run does not deploy', async () => {
    const h = harness();
    expect(await stopOf(deploy(options({ stacks: ['prod'] }), h.deps))).toBe(
      'no environment "prod"; the environments are dev, stg',
    );
    expect(await stopOf(deploy(options({ stacks: ['dev'], states: { stg: 'stg.json' } }), h.deps))).toBe(
      '--state stg=stg.json: stg is not deployed by this run (dev); leave it out or add stg',
    );
    expect(h.calls).toEqual([]);
  });

  it('refuses an environment that still holds a shipped placeholder, before anything runs', async () => {
    const withPlaceholders = ENVIRONMENTS.map((env) =>
      env.name === 'dev'
        ? { ...env, accountId: PLACEHOLDER_ACCOUNT_ID, operations: { emails: [PLACEHOLDER_ONCALL_EMAIL] } }
        : env,
    );
    const both = harness({ environments: withPlaceholders });
    expect(await stopOf(deploy(options({ stacks: ['dev'] }), both.deps))).toBe(
      `environments/dev.ts still holds the shipped placeholder accountId "${PLACEHOLDER_ACCOUNT_ID}" and operations.emails "${PLACEHOLDER_ONCALL_EMAIL}": set the real value (help/migration.md, step 0)`,
    );
    const emailOnly = harness({
      environments: ENVIRONMENTS.map((env) => ({ ...env, operations: { emails: [PLACEHOLDER_ONCALL_EMAIL] } })),
    });
    expect(await stopOf(deploy(options({ stacks: ['stg'] }), emailOnly.deps))).toMatch(
      /^environments\/stg\.ts still holds the shipped placeholder operations\.emails /,
    );
    expect([...both.calls, ...emailOnly.calls, ...both.preflights]).toEqual([]);
    // Only the environments deployed count: stg is ready although dev is not.
    const stgOnly = harness({ environments: withPlaceholders });
    await deploy(options({ stacks: ['stg'] }), stgOnly.deps);
    expect(stgOnly.calls).toEqual([checksOf('stg'), 'npx cdktf deploy stg']);
  });

  it('does not deploy stg when dev failed, and says so', async () => {
    const h = harness({ exitCodes: { 'npx cdktf deploy dev': 1 } });
    expect(await stopOf(deploy(options(), h.deps))).toBe('cdktf deploy dev failed (exit 1); stg not deployed');
    expect(h.calls).toEqual([CHECKS, 'npx cdktf deploy dev']);
  });

  it('refuses to start when the live-config checks fail, saying how to accept a deliberate change', async () => {
    const h = harness({ exitCodes: { [CHECKS]: 1 } });
    expect(await stopOf(deploy(options({ autoApprove: true }), h.deps))).toBe(
      'live-config checks of dev,stg failed (exit 1): nothing was deployed. A deliberate config change needs `npm run test:update` and a review of its diff',
    );
    expect(h.calls).toEqual([CHECKS]);
  });

  it('runs the migration preflight for each given state before the live-config checks and any deploy', async () => {
    const h = harness();
    await deploy(options({ states: { dev: 'dev.json', stg: 'stg.json' } }), h.deps);
    expect(h.preflights).toEqual(['dev:dev.json', 'stg:stg.json']);
    expect(h.said).toContain('migration preflight for dev: ok (89 moved, 0 destroyed as allowed)');
    expect(h.said.indexOf('migration preflight for stg: ok (89 moved, 0 destroyed as allowed)')).toBeLessThan(
      h.said.findIndex((line) => line.startsWith('live-config checks of dev,stg')),
    );
  });

  it('refuses to start when a preflight fails, naming the environment and its first problem, before the slow checks', async () => {
    const report = {
      ...okReport(),
      destroyed: [{ address: 'module.x.aws_iam_role.r', allowed: false, reason: 'no moved block' }],
      problems: ['module.x.aws_iam_role.r would be destroyed: no moved block', 'another'],
      ok: false,
    };
    const h = harness({ report });
    expect(await stopOf(deploy(options({ autoApprove: true, states: { stg: 'stg.json' } }), h.deps))).toBe(
      'migration preflight for stg failed (2 problems, the first: module.x.aws_iam_role.r would be destroyed: no moved block): see `npm run migrate:check -- stg --state stg.json`',
    );
    expect(h.calls).toEqual([]);
  });

  it("passes the legacy cloudwatch root's state to the preflight of the environment that adopts it", async () => {
    const h = harness();
    await deploy(
      options({ stacks: ['stg'], states: { stg: 'stg.json' }, cloudwatchStates: { stg: 'dev.json' } }),
      h.deps,
    );
    expect(h.preflights).toEqual(['stg:stg.json+dev.json']);
    const alone = harness();
    expect(await stopOf(deploy(options({ stacks: ['stg'], cloudwatchStates: { stg: 'dev.json' } }), alone.deps))).toBe(
      "--cloudwatch-state dev.json (stg): give stg's own workspace state with --state too; the legacy cloudwatch root's state only completes it",
    );
    expect(
      await stopOf(
        deploy(
          options({ stacks: ['stg'], states: { stg: 'stg.json' }, cloudwatchStates: { stg: 'cw.json' } }),
          alone.deps,
        ),
      ),
    ).toMatch(/^--cloudwatch-state cw\.json \(stg\): no such file/);
    expect(alone.preflights).toEqual([]);
  });

  it('refuses when a state file is missing or cannot be read, before anything runs', async () => {
    const h = harness();
    expect(await stopOf(deploy(options({ states: { dev: 'dev.tfstate.json' } }), h.deps))).toBe(
      '--state dev.tfstate.json (dev): no such file; pull it with `npm run state:pull -- dev --out dev.tfstate.json` (help/migration.md)',
    );
    expect(h.preflights).toEqual([]);
    expect(await stopOf(deploy(options({ states: { dev: 'unreadable.json' } }), h.deps))).toBe(
      'migration preflight for dev could not run: unreadable.json is not JSON',
    );
    expect(await stopOf(deploy(options({ states: { prod: 'p.json' } }), h.deps))).toContain(
      '--state prod=p.json: no environment "prod"',
    );
    expect(h.calls).toEqual([]);
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
    expect(await stopOf(deploy(options({ autoApprove: true }), h.deps))).toMatch(message);
    expect(h.calls).toEqual([]);
  });

  it('accepts credentials from the environment and a token variable', async () => {
    const h = harness({ host: host([TERRAFORM], { AWS_ACCESS_KEY_ID: 'AKIA', TF_TOKEN_app_terraform_io: 't' }) });
    await deploy(options(), h.deps);
    expect(h.calls).toHaveLength(3);
  });
});

describe('npm run deploy and the schedule window', () => {
  const kst = (iso: string) => new Date(`${iso}+09:00`);

  it('refuses inside a wave window, naming the wave and the next safe time in KST and UTC', async () => {
    const h = harness({ clock: [kst('2026-11-30T08:45')] }); // Monday, 15 min before the scale-up
    expect(await stopOf(deploy(options({ stacks: ['dev'] }), h.deps))).toBe(
      'not now: dev scale-up wave 09:00 (+5 min window), deadline 09:20 (Asia/Seoul) ' +
        'falls within the next 30 minutes (now 2026-11-30 08:45 KST (Asia/Seoul) = 2026-11-29 23:45 UTC). ' +
        'Next safe time: 2026-11-30 09:21 KST (Asia/Seoul) = 2026-11-30 00:21 UTC. ' +
        'Deploy then, or pass --force-window (help/migration.md, "When to deploy")',
    );
    expect(h.calls).toEqual([]);
    expect(h.preflights).toEqual([]);
  });

  it("counts the legacy's own runs while a given state still holds the legacy schedules (the first takeover)", async () => {
    const takeover = harness({ clock: [kst('2026-11-30T08:45')] });
    const stop = await stopOf(deploy(options({ stacks: ['dev'], states: { dev: LEGACY_STATE } }), takeover.deps));
    expect(stop).toContain(
      'dev scale-up wave 09:00 (+5 min window), deadline 09:20 (Asia/Seoul); legacy scale-down 09:00 (+5 min window, Asia/Seoul; until the first apply replaces it) falls within',
    );
    const sunday = harness({ clock: [kst('2026-11-29T23:45')] });
    expect(await stopOf(deploy(options({ stacks: ['dev'], states: { dev: LEGACY_STATE } }), sunday.deps))).toMatch(
      /^not now: legacy scale-up 00:00 .*Next safe time: 2026-11-30 00:05 KST \(Asia\/Seoul\) = 2026-11-29 15:05 UTC/,
    );
  });

  it('after the takeover (no state, or one without the legacy schedules) deploys at the legacy midnight run', async () => {
    for (const states of [{}, { dev: 'dev.json' }] as Record<string, string>[]) {
      const h = harness({ clock: [kst('2026-11-29T23:45')] });
      await deploy(options({ stacks: ['dev'], states }), h.deps);
      expect(h.calls).toEqual([checksOf('dev'), 'npx cdktf deploy dev']);
    }
  });

  it('refuses between a wave and its deadline', async () => {
    const afterWave = harness({ clock: [kst('2026-11-30T18:10')] });
    expect(await stopOf(deploy(options(), afterWave.deps))).toMatch(
      /^not now: dev scale-down wave 18:00 .*Next safe time: 2026-11-30 18:21 KST/,
    );
  });

  it('deploys when the next window-minutes are free: --window-minutes is the margin', async () => {
    const h = harness({ clock: [kst('2026-11-30T08:45')] });
    await deploy(options({ stacks: ['dev'], windowMinutes: 10 }), h.deps);
    expect(h.calls).toEqual([checksOf('dev'), 'npx cdktf deploy dev']);
  });

  it('deploys anyway with --force-window, and says so', async () => {
    const h = harness({ clock: [kst('2026-11-30T08:45')] });
    await deploy(options({ stacks: ['dev'], forceWindow: true }), h.deps);
    expect(h.calls).toEqual([checksOf('dev'), 'npx cdktf deploy dev']);
    expect(h.said[0]).toMatch(/^--force-window: going on although dev scale-up wave 09:00/);
  });

  it('checks again before each environment: stg waits when dev took it into a window', async () => {
    const h = harness({ clock: [kst('2026-11-30T08:10'), kst('2026-11-30T08:12'), kst('2026-11-30T08:40')] });
    expect(await stopOf(deploy(options(), h.deps))).toMatch(
      /^dev deployed; stg not started: not now: stg scale-up wave 09:00 .*Next safe time: 2026-11-30 09:21 KST/,
    );
    expect(h.calls).toEqual([CHECKS, 'npx cdktf deploy dev']);
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
      'which environment? give one of dev, stg: npm run diff -- dev',
    );
    expect(await stopOf(diff('dev', harness({ host: host([]) }).deps))).toMatch(/^no terraform binary on PATH/);
  });
});

describeProcess('npm run deploy, as a process with no terraform on PATH', () => {
  it('exits non-zero with a one-line explanation', async () => {
    const run = promisify(execFile);
    const root = path.join(__dirname, '..');
    const result = await run(process.execPath, ['--require', 'tsx/cjs', 'scripts/deploy.ts', 'deploy'], {
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
  }, 60_000);
});
