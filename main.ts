// The CDKTF app: one stack per environment (`dev`, `stg`), each with its own state.

// First: source maps off before anything else loads (source-maps-off.ts); errors turn them back on
// before their stack is printed (below).
import './source-maps-off';
import { App, TerraformStack } from 'cdktf';
import { ValidateProviderPresence } from 'cdktf/lib/validations';
import { EnvironmentStack } from './constructs/environment-stack';
import { ConfigError, ENVIRONMENT_INPUTS, loadEnvironments, type EnvironmentInput } from './environments';

/**
 * CDKTF's built-in validations shell out to `terraform version` (for the cloud block and
 * moved blocks), but synth must work without terraform: the stacks declare
 * `required_version` instead (EnvironmentStack), and the provider check below needs no binary.
 */
export function createApp(outdir?: string): App {
  return new App({ skipValidation: true, stackTraces: false, ...(outdir ? { outdir } : {}) });
}

export function buildApp(app: App = createApp(), inputs: readonly EnvironmentInput[] = ENVIRONMENT_INPUTS): App {
  for (const config of loadEnvironments(inputs)) new EnvironmentStack(app, config);
  const problems = app.node
    .findAll()
    .filter((node) => TerraformStack.isStack(node))
    .flatMap((stack) => new ValidateProviderPresence(stack).validate());
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return app;
}

if (require.main === module) {
  try {
    buildApp().synth();
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
