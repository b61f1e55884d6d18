// The HCL review copy (`npm run synth:hcl`) and the one-form rule of the stack folders: Terraform
// reads every *.tf and *.tf.json of a folder, so cdk.tf beside cdk.tf.json declares everything twice.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from './support/hcl2json';
import { Testing, type App } from 'cdktf';
import { EnvironmentStack } from '../constructs/environment-stack';
import { parseEnvironment } from '../environments/validate';
import { removeOtherForm } from '../main';
import { addRequiredVersion, reviewCopy, unquoteReferenceLists } from '../scripts/hcl-review/review-copy';
import { testEnvironment } from './support/environment-builder';
import { projectCopy } from './support/project-copy';
import { itProcess } from './support/tiers';

const SCRATCH = mkdtempSync(path.join(tmpdir(), 'hcl-review-'));
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

type Json = Record<string, unknown>;
/** The legacy slack_notifier module's nine resources; each scheduled service adds its four. */
const MOVED_OUTSIDE_SCHEDULER = 9;
const REFERENCE_LISTS = new Set(['depends_on', 'replace_triggered_by']);

/** hcl2json wraps every block in a list; in JSON syntax a reference list holds bare strings. */
function normalize(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    if (REFERENCE_LISTS.has(key)) return value.map((v: unknown) => String(v).replace(/^(?!\$\{)(.*)$/, '$${$1}'));
    const items = value.map((v) => normalize(v));
    return items.length === 1 && typeof items[0] === 'object' && items[0] !== null ? items[0] : items;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== '//')
        .map(([k, v]) => [k, normalize(v, k)]),
    );
  }
  return value;
}

describe('the HCL review copy of a stack of three services', () => {
  const stack = new EnvironmentStack(Testing.app(), parseEnvironment(testEnvironment()));
  const json = JSON.parse(Testing.synth(stack)) as Json & { terraform: { required_version: string } };
  const cdktfHcl = Testing.synthHcl(stack) as string;
  const copy = reviewCopy(cdktfHcl, { stack: 'qa', requiredVersion: json.terraform.required_version });

  it("starts from CDKTF's HCL, which quotes the replace_triggered_by reference (terraform validate rejects it)", () => {
    expect(cdktfHcl).toMatch(/replace_triggered_by = \[\s*"aws_lambda_function\.cloudwatch_alert_service\.arn",/);
    expect(cdktfHcl).toMatch(/depends_on = \[\s*"aws_iam_role_policy/);
  });

  it('holds every reference list bare, and the same resources and arguments as the JSON', async () => {
    expect(copy).toMatch(/replace_triggered_by = \[\s*aws_lambda_function\.cloudwatch_alert_service\.arn,/);
    expect(copy).not.toMatch(/(depends_on|replace_triggered_by) = \[\s*"/);
    const fromCopy = await parse('cdk.tf', copy);
    expect(normalize(fromCopy.resource)).toEqual(normalize(json.resource));
    const moves = (blocks: unknown) =>
      (normalize(blocks) as { from: string; to: string }[]).map((m) =>
        [m.from, m.to].map((a) => a.replace(/^\$\{(.*)\}$/, '$1')).join(' -> '),
      );
    expect(moves(fromCopy.moved)).toEqual(moves(json.moved));
    expect(moves(json.moved)).toHaveLength(3 * 4 + MOVED_OUTSIDE_SCHEDULER);
  }, 60_000);

  it('declares the same required_version as the JSON, and says in its header what it is', async () => {
    const fromCopy = await parse('cdk.tf', copy);
    expect(fromCopy.terraform[0].required_version).toBe('>= 1.7.0');
    expect(json.terraform.required_version).toBe('>= 1.7.0');
    expect(copy.split('\n', 2)).toEqual([
      '# REVIEW COPY of stack "qa", written by `npm run synth:hcl`. Deploy from the JSON',
      '# (cdktf.out/stacks/qa/cdk.tf.json: npm run diff / npm run deploy), not from this file.',
    ]);
  }, 60_000);

  it('leaves strings that are not references alone', () => {
    const hcl = 'resource "x" "y" {\ndepends_on = ["aws_a.b"]\nnames = ["aws_a.b"]\n}\n';
    expect(unquoteReferenceLists(hcl)).toBe('resource "x" "y" {\ndepends_on = [aws_a.b]\nnames = ["aws_a.b"]\n}\n');
    expect(() => addRequiredVersion('provider "aws" {}\n', '>= 1.7.0')).toThrow(/no top-level terraform block/);
  });
});

describe('a stack folder holds one form only', () => {
  function outdir(forms: string[]): string {
    const dir = mkdtempSync(path.join(SCRATCH, 'out-'));
    for (const stack of ['dev', 'stg']) {
      mkdirSync(path.join(dir, 'stacks', stack), { recursive: true });
      for (const form of forms) writeFileSync(path.join(dir, 'stacks', stack, form), '');
    }
    return dir;
  }

  itProcess(
    'a plain synth after `cdktf synth --hcl` removes the stale cdk.tf (the real app, as cdktf runs it)',
    async () => {
      const dir = outdir(['cdk.tf']); // what `npx cdktf synth --hcl` left behind
      const project = projectCopy({ dev: testEnvironment({ name: 'dev' }), stg: testEnvironment({ name: 'stg' }) });
      try {
        await promisify(execFile)(process.execPath, ['--require', 'tsx/cjs', 'main.ts'], {
          cwd: project,
          env: { ...process.env, CDKTF_OUTDIR: dir, SYNTH_HCL_OUTPUT: 'false' },
        });
      } finally {
        rmSync(project, { recursive: true, force: true });
      }
      for (const stack of ['dev', 'stg']) {
        expect(
          readdirSync(path.join(dir, 'stacks', stack))
            .filter((f) => f.startsWith('cdk.tf'))
            .sort(),
        ).toEqual(['cdk.tf.json']);
      }
    },
    120_000,
  );

  it('an HCL synth removes the stale cdk.tf.json', () => {
    const dir = outdir(['cdk.tf', 'cdk.tf.json']);
    const stacks = Object.fromEntries(
      ['dev', 'stg'].map((name) => [
        name,
        { workingDirectory: `stacks/${name}`, synthesizedStackPath: `stacks/${name}/cdk.tf` },
      ]),
    );
    removeOtherForm({ outdir: dir, manifest: { stacks } } as unknown as App);
    expect(existsSync(path.join(dir, 'stacks', 'dev', 'cdk.tf.json'))).toBe(false);
    expect(existsSync(path.join(dir, 'stacks', 'stg', 'cdk.tf'))).toBe(true);
  });
});
