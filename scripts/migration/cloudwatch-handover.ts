// The hand-over of the legacy cloudwatch root: the `removed` blocks that replace its
// `module "cloudwatch"` call. What the stack imports is forgotten there (destroy = false), the VPC
// attachment is deleted (the function no longer runs in a VPC), the four EKS alarms as the config
// decides (cloudwatch.adoptLegacy.eksAlarms). The preflight plans the same blocks.
import type { EnvironmentConfig } from '../../environments/schema';
import { ADOPTED_CLOUDWATCH, LEGACY_CLOUDWATCH_PREFIX } from './legacy';

/** The legacy module's alarms on the retired EKS cluster (modules/cloudwatch/alarm.tf). */
export const LEGACY_EKS_ALARMS: readonly string[] = [
  'eks_cluster_cpu_high',
  'eks_cluster_memory_high',
  'eks_namespace_cpu_high',
  'eks_namespace_memory_high',
].map((name) => `${LEGACY_CLOUDWATCH_PREFIX}aws_cloudwatch_metric_alarm.${name}`);

export const LEGACY_VPC_ATTACHMENT = `${LEGACY_CLOUDWATCH_PREFIX}aws_iam_role_policy_attachment.alert_vpc`;

export interface HandoverBlock {
  from: string;
  /** true: the hand-over deletes the object; false: it stays in AWS, no longer managed by the legacy root. */
  destroy: boolean;
  why: string;
}

/** Where the hand-over leaves a legacy resource; undefined when the config has not decided. */
export function handoverBlocks(config: EnvironmentConfig): HandoverBlock[] {
  const adopt = config.cloudwatch.adoptLegacy;
  if (!adopt) return [];
  const blocks: HandoverBlock[] = [...ADOPTED_CLOUDWATCH].map(([from, to]) => ({
    from,
    destroy: false,
    why: `stack ${config.name} imports it as ${to}`,
  }));
  blocks.push({
    from: LEGACY_VPC_ATTACHMENT,
    destroy: true,
    why: 'the alert function no longer runs in a VPC: AWSLambdaVPCAccessExecutionRole is detached',
  });
  if (adopt.eksAlarms) {
    const destroy = adopt.eksAlarms === 'delete';
    for (const from of LEGACY_EKS_ALARMS) {
      blocks.push({
        from,
        destroy,
        why: destroy
          ? 'an alarm on the retired EKS cluster: deleted (cloudwatch.adoptLegacy.eksAlarms = "delete")'
          : 'an alarm on the retired EKS cluster: left in AWS, managed by no Terraform, still publishing to the adopted topic (cloudwatch.adoptLegacy.eksAlarms = "leave")',
      });
    }
  }
  return blocks;
}

/** The blocks as Terraform JSON (`removed` of a root). */
export function removedJson(blocks: HandoverBlock[]): { from: string; lifecycle: { destroy: boolean } }[] {
  return blocks.map((b) => ({ from: b.from, lifecycle: { destroy: b.destroy } }));
}

/** The blocks as HCL, for the legacy root's operator (help/migration.md). */
export function handoverHcl(config: EnvironmentConfig): string {
  const blocks = handoverBlocks(config);
  const header = [
    `# Hand-over of the legacy cloudwatch root to stack "${config.name}" (this project's help/migration.md).`,
    '# Replace the module "cloudwatch" call of the legacy root by these blocks, then plan and apply there.',
  ];
  const body = blocks.map((b) =>
    [`# ${b.why}`, 'removed {', `  from = ${b.from}`, `  lifecycle {`, `    destroy = ${b.destroy}`, '  }', '}'].join(
      '\n',
    ),
  );
  return `${[...header, '', body.join('\n\n')].join('\n')}\n`;
}
