// Rules that span several fields, checked once every field is valid on its own.
import {
  NAME_KINDS,
  NAME_LIMITS,
  schedulerResourceNames,
  terraformIdentifier,
  type SchedulerResourceNames,
} from '../shared/scheduler-names';
import { minuteOfDay, weekdaySet } from '../shared/weekly-time';
import { alertingRules } from './alerting-rules';
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

function timingRules(scheduler: EnvironmentConfig['scheduler']): RuleViolation[] {
  const { scaleUp, scaleDown, flexibleWindowMinutes, retry } = scheduler;
  const found: RuleViolation[] = [];
  const downDays = weekdaySet(scaleDown.weekdays);
  const sharedDays = [...weekdaySet(scaleUp.weekdays)].some((day) => downDays.has(day));
  if (scaleUp.time === scaleDown.time && sharedDays) {
    found.push({
      path: ['scheduler', 'scaleDown', 'time'],
      message: `scale-up and scale-down both run at ${scaleUp.time} on the same days; give them different times`,
    });
  }
  // A late retry (or the flexible window) must never carry one action past the other.
  const apart = Math.abs(minuteOfDay(scaleDown.time) - minuteOfDay(scaleUp.time));
  const gap = Math.min(apart, 24 * 60 - apart);
  const reach = retry.maximumEventAgeMinutes + flexibleWindowMinutes;
  if (gap > 0 && reach >= gap) {
    found.push({
      path: ['scheduler', 'retry', 'maximumEventAgeMinutes'],
      message: `retries (${retry.maximumEventAgeMinutes} min) plus the flexible window (${flexibleWindowMinutes} min) reach ${reach} min, but scale-up and scale-down are only ${gap} min apart; a late retry could undo the other action. Keep the sum below ${gap}`,
    });
  }
  return found;
}

function duplicateRules(services: ServiceConfig[]): RuleViolation[] {
  const byName = new Map<string, number>();
  const byTarget = new Map<string, number>();
  return services.flatMap((svc, index): RuleViolation[] => {
    // IAM names ignore case, and "-" and "_" give the same Terraform address.
    const nameKey = terraformIdentifier(svc.resourceName).toLowerCase();
    const targetKey = `${svc.cluster}/${svc.service}`;
    const sameName = byName.get(nameKey);
    const sameTarget = byTarget.get(targetKey);
    if (!byName.has(nameKey)) byName.set(nameKey, index);
    if (!byTarget.has(targetKey)) byTarget.set(targetKey, index);
    const path = ['scheduler', 'services', index, svc.resourceName === svc.service ? 'service' : 'resourceName'];
    if (sameTarget !== undefined) {
      return [
        {
          path,
          message: `${targetKey} is already scheduled by services[${sameTarget}]; two schedule pairs would race on one ECS service. List each service once`,
        },
      ];
    }
    if (sameName !== undefined) {
      const other = services[sameName]!.resourceName;
      return [
        {
          path,
          message:
            other === svc.resourceName
              ? `"${svc.resourceName}" is already used by services[${sameName}] (in another cluster); IAM role and schedule names must be unique per environment. Give one of them a distinct "resourceName"`
              : `"${svc.resourceName}" and "${other}" (services[${sameName}]) would get the same IAM role name or Terraform address (AWS names ignore case; "-" and "_" give the same address). Give one of them a distinct "resourceName"`,
        },
      ];
    }
    return [];
  });
}

/** Two services moved from one legacy module would both claim its state. */
function legacyModuleRules(services: ServiceConfig[]): RuleViolation[] {
  const seen = new Map<string, number>();
  return services.flatMap((svc, index): RuleViolation[] => {
    const first = seen.get(svc.legacyModule);
    if (first === undefined) {
      seen.set(svc.legacyModule, index);
      return [];
    }
    const sameAddress = (other: ServiceConfig) => terraformIdentifier(other.resourceName).toLowerCase();
    if (sameAddress(services[first]!) === sameAddress(svc)) return []; // duplicateRules says so
    return [
      {
        path: ['scheduler', 'services', index, 'legacyModule'],
        message: `legacy module "module.${svc.legacyModule}" is already taken over by services[${first}]; give each service the legacy module call that managed it ("legacyModule")`,
      },
    ];
  });
}

export function environmentRules(env: EnvironmentConfig): RuleViolation[] {
  const { services } = env.scheduler;
  const perService = services.flatMap((svc, index) =>
    [...serviceRules(svc), ...nameRules(svc, env.name)].map((v) => ({
      ...v,
      path: ['scheduler', 'services', index, ...v.path],
    })),
  );
  return [
    ...timingRules(env.scheduler),
    ...duplicateRules(services),
    ...legacyModuleRules(services),
    ...perService,
    ...alertingRules(env),
  ];
}
