// The CDKTF app: one stack per environment (`dev`, `stg`), each with its own state.

// First: source maps off before anything else loads (source-maps-off.ts); errors turn them back on
// before their stack is printed (below). Then CDKTF's token creation stacks off (token-stacks-off.ts).
import './source-maps-off';
import './token-stacks-off';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Annotations, App, TerraformStack } from 'cdktf';
import { ValidateProviderPresence } from 'cdktf/lib/validations';
import { EnvironmentStack } from './constructs/environment-stack';
import { ConfigError, ENVIRONMENT_INPUTS, loadEnvironments, type EnvironmentInput } from './environments';
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

if (require.main === module) {
  try {
    const app = buildApp();
    app.synth();
    removeOtherForm(app);
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      process.setSourceMapsEnabled(true); // a bug's stack trace points into the TypeScript sources
      throw error;
    }
    // A config mistake is the operator's to fix: say what and where, without a stack trace.
    console.error(error.message);
    process.exit(1);
  }
}
