// `npm run state:pull` writes exactly the state, and migrate:check says what went wrong when a file
// starts with another command's text (the old runbook line put `terraform init`'s progress in it).
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseState } from '../scripts/migration/state-file';
import { testEnvironment } from './support/environment-builder';
import { DEV_STATE } from './support/legacy-state';
import { projectCopy } from './support/project-copy';

/** The project, with environments "dev" and "stg" the test wrote, as the script's working folder. */
const COPY = projectCopy({ dev: testEnvironment({ name: 'dev' }), stg: testEnvironment({ name: 'stg' }) });
afterAll(() => rmSync(COPY, { recursive: true, force: true }));
/** Each test starts a node process with tsx: sized for a loaded 2-core machine. */
const PROCESS_TIMEOUT = 60_000;
const SCRATCH = mkdtempSync(path.join(tmpdir(), 'state-pull-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const INIT_OUTPUT = [
  'Initializing HCP Terraform...',
  'Initializing provider plugins...',
  '- Reusing previous version of hashicorp/aws from the dependency lock file',
  '',
  'HCP Terraform has been successfully initialized!',
  '',
].join('\n');

/**
 * A stand-in terraform on PATH that behaves like the real one where it matters here: `init` prints
 * its progress on stdout, `state pull` prints the state (or fails when told to).
 */
function fakeTerraform(stateFile: string, pullExit = 0): string {
  const bin = mkdtempSync(path.join(SCRATCH, 'bin-'));
  const script = [
    '#!/bin/sh',
    'case "$1" in',
    `  init) printf '%s\\n' '${INIT_OUTPUT.replace(/'/g, '')}'; pwd > "${bin}/init-dir"; exit 0 ;;`,
    `  state) [ "$2" = pull ] || exit 9; [ ${pullExit} -eq 0 ] || { echo 'Error: workspace not found' >&2; exit ${pullExit}; }; cat "${stateFile}" ;;`,
    '  *) exit 9 ;;',
    'esac',
  ].join('\n');
  writeFileSync(path.join(bin, 'terraform'), `${script}\n`);
  chmodSync(path.join(bin, 'terraform'), 0o755);
  return bin;
}

function stackDir(): string {
  const dir = mkdtempSync(path.join(SCRATCH, 'stack-'));
  writeFileSync(path.join(dir, 'cdk.tf.json'), '{}');
  return dir;
}

async function statePull(args: string[], bin: string) {
  const run = promisify(execFile);
  return run(process.execPath, ['--require', 'tsx/cjs', 'scripts/state-pull.ts', ...args], {
    cwd: COPY,
    env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe('npm run state:pull', () => {
  it(
    "writes exactly the state, with init's progress on the terminal only, readable by its owner only",
    async () => {
      const bin = fakeTerraform(DEV_STATE);
      const dir = stackDir();
      const out = path.join(SCRATCH, 'dev.tfstate.json');
      const result = await statePull(['dev', '--dir', dir, '--out', out], bin);
      expect(result.code).toBe(0);
      expect(readFileSync(path.join(bin, 'init-dir'), 'utf8').trim()).toBe(dir);
      expect(result.stderr).toContain('Initializing provider plugins...');
      expect(result.stderr).toContain(`wrote ${path.relative(COPY, out)}: 89 managed resources`);
      const written = readFileSync(out, 'utf8');
      expect(written).toBe(readFileSync(DEV_STATE, 'utf8'));
      expect(parseState(written, out).resources.length).toBeGreaterThan(89);
      expect(statSync(out).mode & 0o777).toBe(0o600);
    },
    PROCESS_TIMEOUT,
  );

  it(
    'writes nothing when state pull fails, and says so',
    async () => {
      const out = path.join(SCRATCH, 'failed.tfstate.json');
      const result = await statePull(['dev', '--dir', stackDir(), '--out', out], fakeTerraform(DEV_STATE, 1));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('state:pull: terraform state pull failed (exit 1); nothing was written');
      expect(existsSync(out)).toBe(false);
    },
    PROCESS_TIMEOUT,
  );

  it(
    'writes nothing when what terraform printed is not a state',
    async () => {
      const notState = path.join(SCRATCH, 'not-state.txt');
      writeFileSync(notState, 'No state.\n');
      const out = path.join(SCRATCH, 'garbage.tfstate.json');
      const result = await statePull(['dev', '--dir', stackDir(), '--out', out], fakeTerraform(notState));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("the pulled state starts with 'No state.'");
      expect(existsSync(out)).toBe(false);
    },
    PROCESS_TIMEOUT,
  );

  it(
    'names an unknown environment and the known ones, before looking for its stack folder',
    async () => {
      const result = await statePull(['prod'], fakeTerraform(DEV_STATE));
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'state:pull: unknown environment "prod"; give one of dev, stg (environments/index.ts)\n',
      );
    },
    PROCESS_TIMEOUT,
  );

  it(
    'asks for a synth first when the stack folder has not been synthesized',
    async () => {
      const empty = path.join(SCRATCH, 'not-synthesized');
      mkdirSync(empty);
      const result = await statePull(['dev', '--dir', empty], fakeTerraform(DEV_STATE));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/has no cdk\.tf\.json: run `npm run synth` first/);
    },
    PROCESS_TIMEOUT,
  );
});

describe('a state file that starts with text', () => {
  const state = readFileSync(DEV_STATE, 'utf8');

  it("names terraform init's output and the command that writes the state alone", () => {
    // What the old runbook line `(terraform init && terraform state pull) > dev.tfstate.json` wrote.
    expect(() => parseState(`${INIT_OUTPUT}\n${state}`, 'dev.tfstate.json')).toThrow(
      "dev.tfstate.json starts with 'Initializing HCP Terraform...', not with the state's \"{\": terraform init's output got into the file (init prints its progress on stdout). Pull the state alone: `npm run state:pull -- <env>` (help/migration.md), or run `terraform init` first and then `terraform state pull > dev.tfstate.json` as a separate command",
    );
  });

  it('sees through the colour codes of an init run in a terminal', () => {
    expect(() => parseState(`\u001b[0m\u001b[1mInitializing the backend...\u001b[0m\n${state}`, 'f.json')).toThrow(
      /^f\.json starts with 'Initializing the backend\.\.\.', .*terraform init's output got into the file/,
    );
  });

  it('names other leading text as such, and an empty file as empty', () => {
    expect(() => parseState(`Acquiring state lock\n${state}`, 'f.json')).toThrow(
      /^f\.json starts with 'Acquiring state lock', .*something other than the state was written into the file/,
    );
    expect(() => parseState('  \n', 'f.json')).toThrow(/^f\.json is empty; give the output of `npm run state:pull/);
  });

  it('still reports broken JSON as not JSON', () => {
    expect(() => parseState('{"version": 4, "resources": [', 'f.json')).toThrow(/^f\.json is not JSON \(/);
  });
});
