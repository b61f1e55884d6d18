// npm run cloudwatch:handover -- <env>
// Prints the `removed` blocks that replace `module "cloudwatch"` in the legacy cloudwatch root when
// <env> adopts it (cloudwatch.adoptLegacy): help/migration.md, "Adopting the legacy cloudwatch root".
import { ConfigError, loadEnvironments } from '../environments';
import { handoverHcl } from './migration/cloudwatch-handover';

const USAGE = 'usage: npm run cloudwatch:handover -- <env> > handover.tf';

function main(argv: string[]): number {
  const environments = loadEnvironments();
  const names = environments.map((e) => e.name);
  if (argv.length !== 1 || !names.includes(argv[0]!)) {
    throw new Error(`give one environment: ${names.join(', ')}\n${USAGE}`);
  }
  const env = environments.find((e) => e.name === argv[0])!;
  const adopt = env.cloudwatch.adoptLegacy;
  if (!adopt) {
    throw new Error(
      `environments/${env.name}.ts does not set cloudwatch.adoptLegacy: it does not take over the legacy cloudwatch root`,
    );
  }
  if (!adopt.eksAlarms) {
    throw new Error(
      `environments/${env.name}.ts: cloudwatch.adoptLegacy.eksAlarms is not set; decide what the hand-over does with the legacy module's four EKS alarms: "delete" (recommended: EKS is retired) or "leave" (they stay in AWS, managed by no Terraform)`,
    );
  }
  process.stdout.write(handoverHcl(env));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
  else process.stderr.write(`cloudwatch:handover: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
