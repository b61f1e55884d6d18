// Rules that span several fields, checked once every field is valid on its own.
import {
  NAME_KINDS,
  NAME_LIMITS,
  schedulerResourceNames,
  terraformIdentifier,
  type SchedulerResourceNames,
} from '../constructs/ecs-scheduler/names';
import type { EnvironmentConfig, ServiceConfig } from './schema';

export interface RuleViolation {
  path: (string | number)[];
  message: string;
}

function serviceRules(svc: ServiceConfig): RuleViolation[] {
  const found: RuleViolation[] = [];
  if (svc.singleton && svc.upCount > 1) {
    found.push({
      path: ['upCount'],
      message: `a singleton service never runs more than one task, but upCount is ${svc.upCount}; set upCount to 1 or remove "singleton: true"`,
    });
  }
  if (svc.downCount > svc.upCount) {
    found.push({
      path: ['downCount'],
      message: `downCount (${svc.downCount}) is above upCount (${svc.upCount}); scaling down must not add tasks`,
    });
  }
  if (!/^[A-Za-z]/.test(svc.resourceName)) {
    found.push({
      path: ['service'],
      message:
        'Terraform addresses are derived from the service name and must start with a letter; set "resourceName" to a name that does',
    });
  }
  return found;
}

function nameRules(svc: ServiceConfig, environment: string): RuleViolation[] {
  const names = schedulerResourceNames(svc.resourceName, environment);
  const field = svc.resourceName === svc.service ? 'service' : 'resourceName';
  return (Object.keys(names) as (keyof SchedulerResourceNames)[]).flatMap((key) => {
    const limit = NAME_LIMITS[NAME_KINDS[key]];
    const name = names[key];
    const problem =
      name.length > limit.max
        ? `is ${name.length} characters; AWS allows ${limit.max}`
        : limit.pattern.test(name)
          ? undefined
          : `holds characters AWS does not allow (${limit.pattern.source})`;
    if (!problem) return [];
    return [
      {
        path: [field],
        message: `generated ${limit.label} name "${name}" ${problem}. Set "resourceName" to a shorter name for this service's scheduler resources`,
      },
    ];
  });
}

export function environmentRules(env: EnvironmentConfig): RuleViolation[] {
  const { scaleUp, scaleDown, services } = env.scheduler;
  const found: RuleViolation[] = [];
  if (scaleUp.time === scaleDown.time) {
    found.push({
      path: ['scheduler', 'scaleDown', 'time'],
      message: `scale-up and scale-down both run at ${scaleUp.time}; give them different times`,
    });
  }
  const firstIndex = new Map<string, number>();
  services.forEach((svc, index) => {
    const at = (v: RuleViolation): RuleViolation => ({ ...v, path: ['scheduler', 'services', index, ...v.path] });
    const id = terraformIdentifier(svc.resourceName);
    const first = firstIndex.get(id);
    if (first === undefined) {
      firstIndex.set(id, index);
    } else {
      found.push(
        at({
          path: ['service'],
          message: `"${svc.resourceName}" is already scheduled by services[${first}] (names collide once "-" becomes "_"); list each service once, or give one a distinct "resourceName"`,
        }),
      );
    }
    found.push(...serviceRules(svc).map(at), ...nameRules(svc, env.name).map(at));
  });
  return found;
}
