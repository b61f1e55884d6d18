import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { strFromU8, unzipSync } from 'fflate';
import { join, relative } from 'node:path';
import { waveManifest } from '../constructs/slack-notifier/wave-manifest';
import type { EnvironmentInput } from '../environments/schema';
import { ConfigError, parseEnvironment } from '../environments/validate';
import { buildApp, createApp } from '../main';
import { TEST_ACCOUNT, testEnvironment } from './support/environment-builder';
import { synthJson } from './support/synth';

/** Two environments of the app, as environments/index.ts would list them. */
const ENVIRONMENTS = [testEnvironment(), testEnvironment({ name: 'qb' })];

function filesUnder(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (at: string) => {
    for (const entry of readdirSync(at)) {
      const path = join(at, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

/** Runs the app (both environments) into a fresh directory, as `cdktf synth` does. */
function synthApp(): { dir: string; files: Map<string, Buffer> } {
  const dir = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
  buildApp(createApp(dir), ENVIRONMENTS).synth();
  return { dir, files: filesUnder(dir) };
}

describe('the app', () => {
  const first = synthApp();
  const second = synthApp();
  afterAll(() => [first.dir, second.dir].forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('writes one stack per environment, each with its two function zips', () => {
    const paths = [...first.files.keys()].sort();
    expect(paths.filter((path) => !path.endsWith('.zip'))).toEqual([
      'manifest.json',
      'stacks/qa/cdk.tf.json',
      'stacks/qb/cdk.tf.json',
    ]);
    for (const env of ['qa', 'qb']) {
      expect(paths.filter((path) => path.startsWith(`stacks/${env}/assets/`))).toEqual([
        expect.stringMatching(
          /^stacks\/\w+\/assets\/cloudwatch_function_bundle_[0-9A-F]{8}\/[0-9A-F]{32}\/alert-service\.zip$/,
        ),
        expect.stringMatching(
          /^stacks\/\w+\/assets\/slack_notifier_function_bundle_[0-9A-F]{8}\/[0-9A-F]{32}\/slack-notifier\.zip$/,
        ),
      ]);
    }
  });

  it("points each function at its zip, with source_code_hash = the zip's SHA-256 (Lambda's CodeSha256)", () => {
    for (const input of ENVIRONMENTS) {
      const env = input.name;
      const stack = JSON.parse(first.files.get(`stacks/${env}/cdk.tf.json`)!.toString('utf8'));
      const functions = Object.values<Record<string, string>>(stack.resource.aws_lambda_function);
      expect(functions).toHaveLength(2);
      for (const fn of functions) {
        const zip = first.files.get(`stacks/${env}/${fn.filename}`);
        expect(zip).toBeDefined();
        expect(fn.source_code_hash).toBe(createHash('sha256').update(zip!).digest('base64'));
        const files = unzipSync(zip!);
        if (fn.function_name!.includes('slack-notifier')) {
          // The notifier carries its environment's wave manifest: the services each wave expects.
          expect(Object.keys(files)).toEqual(['index.js', 'wave-manifest.json']);
          expect(JSON.parse(strFromU8(files['wave-manifest.json']!))).toEqual(waveManifest(parseEnvironment(input)));
        } else {
          expect(Object.keys(files)).toEqual(['index.js']);
        }
      }
    }
  });

  it('is byte-identical when synthesized twice', () => {
    expect([...second.files.keys()].sort()).toEqual([...first.files.keys()].sort());
    for (const [path, bytes] of first.files) expect(second.files.get(path)?.equals(bytes)).toBe(true);
  });

  it('embeds no absolute path, user name or timestamp', () => {
    for (const [path, bytes] of first.files) {
      const text = path.endsWith('.zip') ? strFromU8(unzipSync(bytes)['index.js']!) : bytes.toString('utf8');
      expect({ path, hasOutDir: text.includes(first.dir) }).toEqual({ path, hasOutDir: false });
      expect({ path, hasCwd: text.includes(process.cwd()) }).toEqual({ path, hasCwd: false });
      expect({ path, hasTimestamp: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) }).toEqual({ path, hasTimestamp: false });
    }
  });

  it('declares the configured HCP Terraform workspace, the AWS provider and the Terraform version', () => {
    const stack = JSON.parse(first.files.get('stacks/qb/cdk.tf.json')!.toString('utf8'));
    expect(stack.terraform).toEqual({
      cloud: { organization: 'test-org', workspaces: { name: 'scheduler-qb' } },
      required_providers: { aws: { source: 'aws', version: '5.100.0' } },
      required_version: '>= 1.7.0',
    });
    expect(stack.provider.aws).toEqual([
      {
        region: 'ap-northeast-2',
        allowed_account_ids: [TEST_ACCOUNT],
        default_tags: [{ tags: { Project: 'scheduler-test', Environment: 'qb' } }],
      },
    ]);
  });
});

describe('a bad config', () => {
  it('stops the app before it writes any stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cdktf-out-'));
    try {
      const bad = testEnvironment({ scheduler: { flexibleWindowMinutes: 75 } });
      // As main.ts does: build, then synth. The bad environment comes second, so a check that
      // ran per stack would already have written the first.
      const build = () => buildApp(createApp(dir), [testEnvironment({ name: 'qb' }), bad]).synth();
      expect(build).toThrow(ConfigError);
      expect(build).toThrow(/environment "qa".*\n {2}- scheduler\.flexibleWindowMinutes: .* 0 \(exact time\) to 60/);
      expect([...filesUnder(dir).keys()]).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('backend and provider options', () => {
  function withTop(change: Partial<EnvironmentInput>): EnvironmentInput {
    return { ...testEnvironment(), ...change };
  }

  it('S3 with S3-native locking when no DynamoDB table is given', () => {
    const json = synthJson(
      withTop({
        backend: { type: 's3', bucket: 'qa-tfstate', key: 'scheduler/qa.tfstate', region: 'ap-northeast-2' },
      }),
    );
    expect(json.terraform.backend).toEqual({
      s3: {
        bucket: 'qa-tfstate',
        key: 'scheduler/qa.tfstate',
        region: 'ap-northeast-2',
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(json.terraform.required_version).toBe('>= 1.10.0');
    expect(json.terraform.cloud).toBeUndefined();
  });

  it('S3 with a DynamoDB lock table', () => {
    const json = synthJson(
      withTop({
        backend: { type: 's3', bucket: 'qa-tfstate', key: 'k', region: 'ap-northeast-2', dynamodbTable: 'tf-locks' },
      }),
    );
    expect(json.terraform.backend).toEqual({
      s3: { bucket: 'qa-tfstate', key: 'k', region: 'ap-northeast-2', encrypt: true, dynamodb_table: 'tf-locks' },
    });
    expect(json.terraform.required_version).toBe('>= 1.7.0');
  });

  it('HCP Terraform on a custom hostname', () => {
    const json = synthJson(
      withTop({
        backend: { type: 'cloud', organization: 'acme', workspace: 'scheduler-qa', hostname: 'tfe.acme.internal' },
      }),
    );
    expect(json.terraform.cloud).toEqual({
      hostname: 'tfe.acme.internal',
      organization: 'acme',
      workspaces: { name: 'scheduler-qa' },
    });
  });

  it('pins the provider to the declared account and builds every ARN from it, with no STS lookup', () => {
    const json = synthJson(withTop({ accountId: '444455556666' }));
    expect(json.provider.aws[0]).toMatchObject({ allowed_account_ids: ['444455556666'] });
    const text = JSON.stringify(json);
    expect(text).not.toContain(TEST_ACCOUNT);
    expect(text).toContain('arn:aws:ecs:ap-northeast-2:444455556666:service/');
    expect(json).not.toHaveProperty('data.aws_caller_identity');
  });
});
