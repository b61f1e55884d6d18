// Names and Terraform addresses of the per-service scheduler resources.
// The AWS names are the legacy module's (modules/ecs-scheduler/main.tf); changing
// any of them forces Terraform to replace the resource.

/** AWS limits (IAM CreateRole / PutRolePolicy, Scheduler CreateSchedule). */
export const NAME_LIMITS = {
  iamRole: { label: 'IAM role', max: 64, pattern: /^[\w+=,.@-]+$/ },
  iamPolicy: { label: 'IAM policy', max: 128, pattern: /^[\w+=,.@-]+$/ },
  schedule: { label: 'schedule', max: 64, pattern: /^[0-9a-zA-Z_.-]+$/ },
} as const;

export type NameKind = keyof typeof NAME_LIMITS;

export interface SchedulerResourceNames {
  role: string;
  policy: string;
  scaleUp: string;
  scaleDown: string;
}

/** AWS names of one service's resources, exactly as the legacy module named them. */
export function schedulerResourceNames(resourceName: string, environment: string): SchedulerResourceNames {
  return {
    role: `${resourceName}-scheduler-role-${environment}`,
    policy: `${resourceName}-scheduler-policy-${environment}`,
    scaleUp: `${resourceName}-scale-up-${environment}`,
    scaleDown: `${resourceName}-scale-down-${environment}`,
  };
}

/** Which limit each generated name is held to. */
export const NAME_KINDS: Record<keyof SchedulerResourceNames, NameKind> = {
  role: 'iamRole',
  policy: 'iamPolicy',
  scaleUp: 'schedule',
  scaleDown: 'schedule',
};

/** `python-api` -> `python_api`: the legacy module call was `module.python_api_scheduler`. */
export function terraformIdentifier(resourceName: string): string {
  return resourceName.replace(/-/g, '_');
}

/** The legacy module call that managed this service: `<service with - as _>_scheduler`. */
export function legacyModuleName(resourceName: string): string {
  return `${terraformIdentifier(resourceName)}_scheduler`;
}

/** Legacy resource names inside the module, which the new logical IDs keep as suffixes. */
export const LEGACY_RESOURCE = {
  role: 'ecs_scheduler_role',
  policy: 'ecs_scheduler_policy',
  scaleUp: 'scale_up',
  scaleDown: 'scale_down',
} as const;

/**
 * Stable, readable Terraform logical IDs: legacy `module.python_api_scheduler.aws_scheduler_schedule.scale_up`
 * becomes `aws_scheduler_schedule.python_api_scheduler_scale_up`. Derived from the service's resource
 * name only, never from the construct path, so moved blocks can target them.
 */
export function schedulerLogicalIds(resourceName: string): Record<keyof SchedulerResourceNames, string> {
  const moduleName = legacyModuleName(resourceName);
  return {
    role: `${moduleName}_${LEGACY_RESOURCE.role}`,
    policy: `${moduleName}_${LEGACY_RESOURCE.policy}`,
    scaleUp: `${moduleName}_${LEGACY_RESOURCE.scaleUp}`,
    scaleDown: `${moduleName}_${LEGACY_RESOURCE.scaleDown}`,
  };
}

/** Legacy addresses of one service's resources: `module.<legacyModule>.<type>.<legacy name>`. */
export function legacySchedulerAddresses(legacyModule: string): Record<keyof SchedulerResourceNames, string> {
  const at = (type: string, name: string) => `module.${legacyModule}.${type}.${name}`;
  return {
    role: at('aws_iam_role', LEGACY_RESOURCE.role),
    policy: at('aws_iam_role_policy', LEGACY_RESOURCE.policy),
    scaleUp: at('aws_scheduler_schedule', LEGACY_RESOURCE.scaleUp),
    scaleDown: at('aws_scheduler_schedule', LEGACY_RESOURCE.scaleDown),
  };
}

/** The scale schedules' shared dead-letter queue (new in this project: the legacy had none). */
export function scalingDeadLetterNames(prefix: string, environment: string) {
  return {
    queue: `${prefix}-scaling-dlq-${environment}`,
    alarm: `${prefix}-scaling-dlq-not-empty-${environment}`,
    logicalIds: {
      queue: 'ecs_scheduler_scaling_dlq',
      policy: 'ecs_scheduler_scaling_dlq_policy',
      alarm: 'ecs_scheduler_scaling_dlq_not_empty',
    },
  };
}
