// npm run preflight -- <env> and npm run deploy -- <env>, as processes in a project copy whose
// environments this test writes: a correctly configured environment passes the whole gate (rules,
// synth, the real terraform validate, its reviewed snapshot) and the deploy reaches `cdktf deploy`
// (the only command replaced, by a stand-in `npx` first on PATH). The gate's refusals are tested with
// the runner injected in deploy.test.ts.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PLACEHOLDER_ACCOUNT_ID } from '../environments/placeholders';
import { parseStates, stateHoldsLegacySchedules } from '../scripts/preflight/cli-deps';
import { testEnvironment, testServices } from './support/environment-builder';
import { environmentModule, projectCopy } from './support/project-copy';
import { realTerraform, TERRAFORM_TIMEOUT_MS } from './support/terraform';

const FIXTURES = path.join(__dirname, 'fixtures', 'states');

describe('--state', () => {
  it('takes <env>=<file>, or a bare file when one environment is named', () => {
    expect(parseStates(['dev=a.json', 'stg=b.json'], ['dev', 'stg'])).toEqual({ dev: 'a.json', stg: 'b.json' });
    expect(parseStates(['a.json'], ['dev'])).toEqual({ dev: 'a.json' });
    expect(() => parseStates(['a.json'], ['dev', 'stg'])).toThrow(
      '--state a.json: with several environments named, write it as <env>=<state file>, e.g. --state dev=dev.tfstate.json',
    );
  });

  it("tells a state that still holds the legacy's scale schedules from one that does not", () => {
    const withLegacy = path.join(FIXTURES, 'dev-after-migration.tfstate.json');
    expect(stateHoldsLegacySchedules(withLegacy)).toBe(true);
    const doc = JSON.parse(readFileSync(withLegacy, 'utf8')) as { resources: { type: string; module?: string }[] };
    doc.resources = doc.resources.filter((r) => r.type !== 'aws_scheduler_schedule');
    const without = path.join(mkdtempSync(path.join(tmpdir(), 'state-')), 'state.json');
    writeFileSync(without, JSON.stringify(doc));
    expect(stateHoldsLegacySchedules(without)).toBe(false);
  });
});

/** `HH:MM` in Asia/Seoul, `hours` from now, on a 5-minute mark. */
function seoulTimeIn(hours: number): string {
  const at = new Date(Math.floor((Date.now() + hours * 3_600_000) / 300_000) * 300_000);
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Seoul',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

const terraform = realTerraform();
(terraform ? describe : describe.skip)('the gate, as an operator runs it', () => {
  const run = promisify(execFile);
  let copy: string;
  let deployed: string;
  let env: NodeJS.ProcessEnv;
  // Every day, hours away from now: no wave, window or deadline near whenever the test runs.
  const dev = testEnvironment({
    name: 'dev',
    scheduler: {
      scaleUp: { time: seoulTimeIn(4), weekdays: '*' },
      scaleDown: { time: seoulTimeIn(10), weekdays: '*' },
      nightTimesIntended: true,
    },
  });
  const npm = (script: string, ...args: string[]) =>
    run('npm', ['run', '--silent', script, '--', ...args], { cwd: copy, env }).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => error,
    );

  beforeAll(async () => {
    copy = projectCopy({ dev, stg: testEnvironment({ name: 'stg', scheduler: { services: testServices('stg') } }) });
    // The stand-in for `npx cdktf deploy`: records the call; any other npx command runs for real.
    const bin = mkdtempSync(path.join(tmpdir(), 'npx-stand-in-'));
    deployed = path.join(bin, 'deployed.txt');
    const realNpx = (await run('sh', ['-c', 'command -v npx'])).stdout.trim();
    writeFileSync(
      path.join(bin, 'npx'),
      `#!/bin/sh\nif [ "$1 $2" = "cdktf deploy" ]; then echo "$@" >> '${deployed}'; exit 0; fi\nexec '${realNpx}' "$@"\n`,
    );
    chmodSync(path.join(bin, 'npx'), 0o755);
    env = {
      ...process.env,
      ...terraform!.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
      AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEONLY00000',
      TF_TOKEN_app_terraform_io: 'example-token',
      CI: 'true',
    };
    // What `npm run test:update` does for dev's checks: write its reviewed snapshot.
    await run('npx', ['jest', '--ci=false', '-u', '__tests__/live/stacks.test.ts'], {
      cwd: copy,
      env: { ...env, LIVE_ENVIRONMENTS: 'dev' },
    });
  }, TERRAFORM_TIMEOUT_MS);

  it(
    'passes a correctly configured environment through the whole gate, and the deploy reaches cdktf deploy',
    async () => {
      const deploy = await npm('deploy', 'dev', '--auto-approve');
      expect(deploy.stderr).toContain(
        'deploy: live-config checks of dev: rules, synth, terraform validate, reviewed snapshot',
      );
      expect(deploy.stderr).toContain('deploy: npx cdktf deploy dev --auto-approve');
      expect(deploy.code).toBe(0);
      expect(readFileSync(deployed, 'utf8')).toBe('cdktf deploy dev --auto-approve\n');
    },
    TERRAFORM_TIMEOUT_MS,
  );

  it(
    'npm run preflight stops with one line on an unknown environment or a shipped placeholder',
    async () => {
      expect(await npm('preflight', 'prod')).toMatchObject({
        code: 1,
        stderr: 'preflight: no environment "prod"; the environments are dev, stg\n',
      });
      const placeholder = testEnvironment({ name: 'stg', accountId: PLACEHOLDER_ACCOUNT_ID });
      writeFileSync(path.join(copy, 'environments', 'stg.ts'), environmentModule(placeholder));
      expect(await npm('preflight', 'stg')).toMatchObject({
        code: 1,
        stderr: `preflight: environments/stg.ts still holds the shipped placeholder accountId "${PLACEHOLDER_ACCOUNT_ID}": set the real value (help/migration.md, step 0)\n`,
      });
    },
    TERRAFORM_TIMEOUT_MS,
  );
});
