// npm run test:emulator: the takeover applied on the moto AWS emulator with the real terraform.
// The legacy roots (fixtures/legacy: dev after the SNS -> SQS migration, stg before it, the
// cloudwatch root) are applied as the legacy ran them and checked against the state fixtures; the
// preflight reads their states; the legacy cloudwatch root is handed over; each stack, synthesized
// from a test environment of the legacy fixtures, is planned (and must agree with the preflight),
// applied unchanged (only an override file beside cdk.tf.json) and planned again (no change but the
// emulator's own gaps, emulator-gaps.ts). Then a fresh stack into an empty state, and its destroy.
// The three chains (dev; stg with the cloudwatch root; the fresh stack) run side by side, each on a
// moto_server of its own: within one emulator everything runs one step after the other.
// Without moto_server or terraform it prints one line and exits 0; REQUIRE_EMULATOR=1 (CI) makes that a failure.
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp, createApp } from '../../main';
import { parseEnvironment, type EnvironmentInput } from '../../environments';
import { findMotoServer, startMoto } from '../../scripts/emulator/moto';
import { writeEmulatorOverride } from '../../scripts/emulator/override';
import { checkMigration } from '../../scripts/migration/check';
import { handoverHcl } from '../../scripts/migration/cloudwatch-handover';
import type { MigrationReport } from '../../scripts/migration/plan';
import type { PlanJson } from '../../scripts/terraform/plan';
import { findToolchain, terraformOrThrow, ToolchainMissing, type Toolchain } from '../../scripts/terraform/toolchain';
import { LEGACY_ACCOUNT, LEGACY_REGION } from '../fixtures/states/legacy-account';
import { adoptingCloudwatch, legacyEnvironment } from '../support/legacy-environments';
import { subscriptionArnIn } from '../support/legacy-state';
import { replanChanges } from './emulator-gaps';
import { applyLegacyRoots, type Terraform } from './legacy-roots';
import { disagreements, handoverDisagreements, preflightSections, realPlanSections } from './plan-agreement';

const say = (line: string) => process.stdout.write(`test:emulator: ${line}\n`);

const failures: string[] = [];
function expectNone(what: string, lines: string[]): void {
  if (lines.length === 0) return;
  failures.push(`${what}:`, ...lines.map((l) => `  ${l}`));
  say(`${what}: ${lines.length} problem(s)`);
}

const timings: [string, number][] = [];
async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  say(`${name} ...`);
  const result = await run();
  const seconds = (Date.now() - started) / 1000;
  timings.push([name, seconds]);
  say(`${name}: done in ${seconds.toFixed(0)} s`);
  return result;
}

const counts = (plan: PlanJson) => {
  const s = realPlanSections(plan);
  return `${s.moved.length} moved, ${s.imported.length} imported, ${s.created.length} created, ${s.updated.length} updated, ${s.replaced.length} replaced, ${s.deleted.length} deleted`;
};

interface Context {
  terraform: Terraform;
  work: string;
  endpoint: string;
}

async function showPlan(ctx: Context, dir: string, planFile: string): Promise<PlanJson> {
  return JSON.parse(await ctx.terraform(dir, ['show', '-json', '-no-color', planFile])) as PlanJson;
}

/** A working folder for `environment`'s stack: cdk.tf.json as synthesized, its assets, the override, `state`. */
async function stackFolder(ctx: Context, name: string, environment: EnvironmentInput, state?: string): Promise<string> {
  const outdir = path.join(ctx.work, 'synth', name);
  mkdirSync(outdir, { recursive: true });
  buildApp(createApp(outdir), [environment]).synth();
  const synthesized = path.join(outdir, 'stacks', environment.name);
  const dir = path.join(ctx.work, 'stacks', name);
  mkdirSync(dir, { recursive: true });
  cpSync(path.join(synthesized, 'cdk.tf.json'), path.join(dir, 'cdk.tf.json'));
  symlinkSync(path.join(synthesized, 'assets'), path.join(dir, 'assets'));
  writeEmulatorOverride(dir, ctx.endpoint);
  if (state) cpSync(state, path.join(dir, 'terraform.tfstate'));
  await ctx.terraform(dir, ['init', '-input=false', '-no-color']);
  return dir;
}

/** Plans, applies that plan, and plans again: no change may remain but the emulator's gaps. */
async function applyAndReplan(ctx: Context, dir: string, what: string): Promise<PlanJson> {
  await ctx.terraform(dir, ['plan', '-input=false', '-no-color', '-out=plan.bin']);
  const plan = await showPlan(ctx, dir, 'plan.bin');
  say(`${what}: the plan: ${counts(plan)}`);
  await ctx.terraform(dir, ['apply', '-input=false', '-no-color', 'plan.bin']);
  await ctx.terraform(dir, ['plan', '-input=false', '-no-color', '-out=replan.bin']);
  const changes = replanChanges((await showPlan(ctx, dir, 'replan.bin')).resource_changes ?? []);
  for (const change of changes) {
    for (const { attribute, gap } of change.explained)
      say(`${what}: re-plan: ${change.address} ${attribute}: emulator gap (${gap.source})`);
  }
  expectNone(
    `${what}: the re-plan after apply changes more than the emulator's gaps explain`,
    changes
      .filter((c) => c.unexplained.length > 0)
      .map((c) => `${c.address} (${c.actions}): ${c.unexplained.join(', ')}`),
  );
  return plan;
}

/** The legacy cloudwatch root with its module call replaced by the hand-over's removed blocks. */
async function handOver(
  ctx: Context,
  environment: EnvironmentInput,
  state: string,
  report: MigrationReport,
): Promise<void> {
  const dir = path.join(ctx.work, 'handover');
  mkdirSync(dir);
  const providers = [
    'provider "aws" {',
    `  region = "${LEGACY_REGION}"`,
    '}',
    'provider "aws" {',
    `  region = "${LEGACY_REGION}"`,
    '  alias  = "seoul"',
    '}',
  ];
  writeFileSync(path.join(dir, 'providers.tf'), `${providers.join('\n')}\n`);
  writeFileSync(path.join(dir, 'handover.tf'), handoverHcl(parseEnvironment(environment)));
  writeEmulatorOverride(dir, ctx.endpoint, ['seoul']);
  cpSync(state, path.join(dir, 'terraform.tfstate'));
  await ctx.terraform(dir, ['init', '-input=false', '-no-color']);
  await ctx.terraform(dir, ['plan', '-input=false', '-no-color', '-out=plan.bin']);
  expectNone(
    'the hand-over plan disagrees with the preflight',
    handoverDisagreements(report, await showPlan(ctx, dir, 'plan.bin')),
  );
  await ctx.terraform(dir, ['apply', '-input=false', '-no-color', 'plan.bin']);
}

async function takeOver(
  ctx: Context,
  name: string,
  environment: EnvironmentInput,
  state: string,
  report: MigrationReport,
) {
  const dir = await stackFolder(ctx, name, environment, state);
  const plan = await applyAndReplan(ctx, dir, `takeover ${name}`);
  expectNone(
    `takeover ${name}: the real plan disagrees with the preflight`,
    disagreements(preflightSections(report), realPlanSections(plan)),
  );
}

async function preflight(environment: EnvironmentInput, stateFile: string, cloudwatchStateFile?: string) {
  const report = await checkMigration({
    stack: environment.name,
    stateFile,
    environment,
    ...(cloudwatchStateFile ? { cloudwatchStateFile } : {}),
  });
  const fates = new Map<string, number>();
  for (const l of report.legacy) fates.set(l.fate, (fates.get(l.fate) ?? 0) + 1);
  say(
    `preflight ${environment.name}: ${report.ok ? 'ok' : 'NOT OK'}; legacy resources: ${[...fates].map(([f, n]) => `${n} ${f}`).join(', ')}`,
  );
  expectNone(`preflight ${environment.name}`, report.problems);
  return report;
}

async function freshApplyAndDestroy(ctx: Context): Promise<void> {
  const dir = await stackFolder(ctx, 'fresh', legacyEnvironment('stg'));
  await applyAndReplan(ctx, dir, 'fresh stg');
  await ctx.terraform(dir, ['destroy', '-auto-approve', '-input=false', '-no-color']);
  const left = (await ctx.terraform(dir, ['state', 'list'])).trim();
  expectNone('fresh stg: resources left in the state after destroy', left ? left.split('\n') : []);
}

function unavailable(reason: string): number {
  if (process.env.REQUIRE_EMULATOR === '1') {
    process.stderr.write(`test:emulator: REQUIRE_EMULATOR=1 but the emulator run cannot start: ${reason}\n`);
    return 1;
  }
  say(`skipped: ${reason}`);
  return 0;
}

/** One chain of steps on a moto_server of its own, in a working folder of its own. */
async function onOwnEmulator(
  moto: string,
  toolchain: Toolchain,
  work: string,
  name: string,
  run: (ctx: Context) => Promise<void>,
): Promise<void> {
  const server = await startMoto(moto, LEGACY_ACCOUNT);
  const dir = path.join(work, name);
  mkdirSync(dir);
  say(`${name}: moto_server at ${server.endpoint}, account ${LEGACY_ACCOUNT}`);
  try {
    await run({ terraform: (at, args) => terraformOrThrow(toolchain, at, args), work: dir, endpoint: server.endpoint });
  } finally {
    await server.stop();
  }
}

async function devChain(ctx: Context): Promise<void> {
  const { states, mismatches } = await step('dev: legacy root applied (SQS era)', () =>
    applyLegacyRoots(ctx.terraform, ctx.work, ctx.endpoint, ['dev']),
  );
  expectNone('the dev legacy state fixture differs from what the legacy root creates', mismatches);
  const dev = legacyEnvironment('dev');
  const report = await step('dev: preflight', () => preflight(dev, states.dev!));
  await step('dev: takeover', () => takeOver(ctx, 'dev', dev, states.dev!, report));
}

async function stgChain(ctx: Context): Promise<void> {
  const { states, mismatches } = await step('stg: legacy roots applied (SNS era, cloudwatch)', () =>
    applyLegacyRoots(ctx.terraform, ctx.work, ctx.endpoint, ['stg', 'cloudwatch']),
  );
  expectNone('the stg and cloudwatch legacy state fixtures differ from what the legacy roots create', mismatches);
  const stg = legacyEnvironment('stg', {
    cloudwatch: adoptingCloudwatch({ subscriptionArn: subscriptionArnIn(states.cloudwatch!), eksAlarms: 'delete' }),
  });
  const report = await step('stg: preflight with the cloudwatch root', () =>
    preflight(stg, states.stg!, states.cloudwatch),
  );
  await step('stg: hand-over of the legacy cloudwatch root', () => handOver(ctx, stg, states.cloudwatch!, report));
  await step('stg: takeover (and the cloudwatch adoption)', () => takeOver(ctx, 'stg', stg, states.stg!, report));
}

async function main(): Promise<number> {
  const moto = findMotoServer();
  if (!moto)
    return unavailable('no moto_server on PATH (moto 5.2.1: pip install "moto[server]==5.2.1", or set MOTO_SERVER)');
  const toolchain = findToolchain();
  if (toolchain instanceof ToolchainMissing) return unavailable(toolchain.message);
  const work = mkdtempSync(path.join(tmpdir(), 'emulator-run-'));
  const started = Date.now();
  say(`${toolchain.terraform}, hashicorp/aws from ${toolchain.mirror}`);
  try {
    const chains = await Promise.allSettled([
      onOwnEmulator(moto, toolchain, work, 'dev', devChain),
      onOwnEmulator(moto, toolchain, work, 'stg', stgChain),
      onOwnEmulator(moto, toolchain, work, 'fresh', (ctx) =>
        step('fresh stg into an empty state, then destroy', () => freshApplyAndDestroy(ctx)),
      ),
    ]);
    for (const chain of chains) {
      if (chain.status === 'rejected')
        failures.push(`a chain stopped: ${(chain.reason as Error).stack ?? String(chain.reason)}`);
    }
  } finally {
    if (failures.length > 0) say(`the working folder is kept: ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  const total = (Date.now() - started) / 1000;
  say(`timings: ${timings.map(([name, s]) => `${name} ${s.toFixed(0)} s`).join('; ')}; total ${total.toFixed(0)} s`);
  if (failures.length > 0) {
    process.stderr.write(`test:emulator: FAILED\n${failures.join('\n')}\n`);
    return 1;
  }
  say(
    'ok: legacy applied and matching the fixtures; preflight ok and agreeing with the real plans; takeover applied with no change left but the emulator gaps; fresh apply and destroy',
  );
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`test:emulator: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
