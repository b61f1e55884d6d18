// The CDKTF app: one stack per environment (`dev`, `stg`), each with its own state.
// Run by scripts/app-bundle/run.js (cdktf.json's app, `npm run synth`), which also sets up the process.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Annotations, App, TerraformStack } from 'cdktf';
import { ValidateProviderPresence } from 'cdktf/lib/validations';
import { EnvironmentStack } from './constructs/environment-stack';
import { ConfigError, ENVIRONMENT_INPUTS, loadEnvironments, type EnvironmentInput } from './environments';
import { unquoteReferenceLists } from './scripts/hcl-review/review-copy';
import { timeZoneWarnings } from './scripts/schedule/warnings';

/**
 * CDKTF's built-in validations shell out to `terraform version` (for the cloud block and
 * moved blocks), but synth must work without terraform: the stacks declare
 * `required_version` instead (EnvironmentStack), and the provider check below needs no binary.
 */
export function createApp(outdir?: string): App {
  return new App({ skipValidation: true, stackTraces: false, ...(outdir ? { outdir } : {}) });
}

export function buildApp(app: App = createApp(), inputs: readonly EnvironmentInput[] = ENVIRONMENT_INPUTS): App {
  for (const config of loadEnvironments(inputs)) {
    const stack = new EnvironmentStack(app, config);
    // A time that looks like a UTC hour written as local: cdktf prints each once, as a warning.
    for (const warning of timeZoneWarnings(config.scheduler, new Date())) {
      Annotations.of(stack).addWarning(warning);
    }
  }
  const problems = app.node
    .findAll()
    .filter((node) => TerraformStack.isStack(node))
    .flatMap((stack) => new ValidateProviderPresence(stack).validate());
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return app;
}

/**
 * Leaves each stack folder holding only the form just written: `cdktf synth --hcl` writes `cdk.tf`,
 * a plain synth `cdk.tf.json`, and Terraform reads both (every resource declared twice).
 */
export function removeOtherForm(app: App): void {
  for (const stack of Object.values(app.manifest.stacks)) {
    const written = path.basename(stack.synthesizedStackPath);
    const other = written === 'cdk.tf' ? 'cdk.tf.json' : 'cdk.tf';
    rmSync(path.join(app.outdir, stack.workingDirectory, other), { force: true });
  }
}

/**
 * Makes `cdktf synth --hcl` valid: CDKTF 0.21 renders the references in `depends_on` and
 * `lifecycle.replace_triggered_by` as quoted strings, which `terraform validate` rejects in
 * replace_triggered_by (and deprecates in depends_on). Written before the CLI formats the files.
 */
export function fixHclReferenceLists(app: App): void {
  for (const stack of Object.values(app.manifest.stacks)) {
    if (path.basename(stack.synthesizedStackPath) !== 'cdk.tf') continue;
    const file = path.join(app.outdir, stack.synthesizedStackPath);
    writeFileSync(file, unquoteReferenceLists(readFileSync(file, 'utf8')));
  }
}

/**
 * Under the cdktf CLI (`npx cdktf synth|diff|deploy`), which prints an app's stderr twice and, for an
 * app that fails, posts a report to HashiCorp's checkpoint service: said once, then the manifest is
 * removed and the app exits 0, so the CLI stops on the missing manifest ("app was expected to call
 * 'synth()'") with exit code 1, before any report. `npm run synth` (scripts/app-bundle/synth.js)
 * and a direct run get exit code 1.
 */
export function stopOnConfigError(message: string, env: NodeJS.ProcessEnv = process.env): never {
  const underCdktfCli = env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS === 'true' && !env.CDKTF_SYNTH_LAUNCHER;
  if (!underCdktfCli) {
    console.error(message);
    process.exit(1);
  }
  console.error(`${message}\nNothing was synthesized: fix the configuration and run again.`);
  rmSync(path.join(env.CDKTF_OUTDIR ?? 'cdktf.out', 'manifest.json'), { force: true });
  process.exit(0);
}

if (require.main === module) {
  try {
    const app = buildApp();
    app.synth();
    fixHclReferenceLists(app);
    removeOtherForm(app);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // A config mistake is the operator's to fix: say what and where, without a stack trace.
    stopOnConfigError(error.message);
  }
}
