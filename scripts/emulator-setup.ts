// npm run emulator:setup -- <env> [--endpoint http://127.0.0.1:5000] [--remove]
// Points the synthesized stack cdktf.out/stacks/<env> at a local AWS emulator (moto_server), so that
// `npm run diff -- <env>` and `terraform plan` there run against it: an override file beside the
// untouched cdk.tf.json (local backend, the emulator's endpoints, fake keys), a CLI config naming the
// provider mirror, and one `terraform init` (its lock file keeps cdktf from locking providers
// online). --remove takes it all away again. help/troubleshooting.md, "A local AWS emulator".
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { OVERRIDE_FILE, writeEmulatorOverride } from './emulator/override';
import { findToolchain, terraformOrThrow, ToolchainMissing } from './terraform/toolchain';

const USAGE = 'usage: npm run emulator:setup -- <env> [--endpoint http://127.0.0.1:5000] [--remove]';

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      endpoint: { type: 'string', default: 'http://127.0.0.1:5000' },
      remove: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError('give one environment, e.g. dev');
  const env = positionals[0]!;
  const stackDir = path.join('cdktf.out', 'stacks', env);
  if (!existsSync(path.join(stackDir, 'cdk.tf.json'))) {
    throw new UsageError(`${stackDir}/cdk.tf.json does not exist: run npm run synth first`);
  }
  if (values.remove) {
    for (const file of [
      OVERRIDE_FILE,
      '.terraform',
      '.terraform.lock.hcl',
      'terraform.tfstate',
      'terraform.tfstate.backup',
    ]) {
      rmSync(path.join(stackDir, file), { recursive: true, force: true });
    }
    process.stdout.write(`emulator:setup: ${stackDir} points at HCP Terraform and AWS again\n`);
    return;
  }
  if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(values.endpoint)) {
    throw new UsageError(
      `--endpoint ${values.endpoint}: give the emulator's loopback address, e.g. http://127.0.0.1:5000`,
    );
  }
  const toolchain = findToolchain({ offline: false });
  if (toolchain instanceof ToolchainMissing) throw new UsageError(toolchain.message);
  const cliConfig = path.resolve('cdktf.out', 'emulator', 'terraform.rc');
  if (toolchain.mirror) {
    mkdirSync(path.dirname(cliConfig), { recursive: true });
    writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(toolchain.mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
    );
  }
  writeEmulatorOverride(stackDir, values.endpoint);
  const terraformEnv = toolchain.mirror ? { ...toolchain.env, TF_CLI_CONFIG_FILE: cliConfig } : toolchain.env;
  await terraformOrThrow({ ...toolchain, env: terraformEnv }, stackDir, [
    'init',
    '-input=false',
    '-no-color',
    '-reconfigure',
  ]);
  process.stdout.write(
    [
      `emulator:setup: ${stackDir} now plans against ${values.endpoint} (local state ${stackDir}/terraform.tfstate).`,
      ...(toolchain.mirror ? [`In this shell:  export TF_CLI_CONFIG_FILE=${cliConfig}`] : []),
      `Then:           npm run diff -- ${env}     or     (cd ${stackDir} && terraform plan)`,
      `Undo:           npm run emulator:setup -- ${env} --remove`,
      '',
    ].join('\n'),
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const usage = error instanceof UsageError || (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`emulator:setup: ${(error as Error).message}\n${usage ? `${USAGE}\n` : ''}`);
  process.exitCode = usage ? 2 : 1;
});
