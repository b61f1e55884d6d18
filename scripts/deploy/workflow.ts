// `npm run deploy [-- <env>...]`: the prerequisites (terraform, credentials), then the deployment gate
// of the environments deployed (scripts/preflight/gate.ts), then `cdktf deploy` per environment in
// order (dev, then stg only if dev succeeded). `npm run diff`: `cdktf diff <env>`.
// Commands run through an injected runner, so the order is tested without terraform.
import type { EnvironmentConfig } from '../../environments/schema';
import { cdktfCommand } from '../cdktf-cli';
import { requireQuietWindow, runGate, type GateDeps, type GateOptions } from '../preflight/gate';
import { DeployStop, requirePrerequisites } from './prerequisites';

export type { Runner } from '../preflight/gate';

export interface WorkflowDeps extends GateDeps {
  /** The HCP Terraform hostnames the stacks' backends use. */
  cloudHostnames: string[];
}

/** Environments in deployment order: each only after the one before it succeeded. */
export const DEPLOY_ORDER = ['dev', 'stg'] as const;

export interface DeployOptions extends GateOptions {
  autoApprove: boolean;
  /** The stacks to deploy (in DEPLOY_ORDER); empty: all of them. */
  stacks: string[];
}

/** The environments named (all by default), in deployment order; a state only for one of them. */
export function targetsOf(
  stacks: string[],
  states: Record<string, string>,
  environments: EnvironmentConfig[],
): EnvironmentConfig[] {
  const order = DEPLOY_ORDER as readonly string[];
  for (const stack of stacks) {
    if (!order.includes(stack))
      throw new DeployStop(`no environment "${stack}"; the environments are ${order.join(', ')}`);
  }
  const names = stacks.length > 0 ? order.filter((s) => stacks.includes(s)) : [...order];
  for (const [stack, file] of Object.entries(states)) {
    if (!order.includes(stack)) {
      throw new DeployStop(
        `--state ${stack}=${file}: no environment "${stack}"; the environments are ${order.join(', ')}`,
      );
    }
    if (!names.includes(stack)) {
      throw new DeployStop(
        `--state ${stack}=${file}: ${stack} is not deployed by this run (${names.join(', ')}); leave it out or add ${stack}`,
      );
    }
  }
  return names.map((name) => {
    const config = environments.find((e) => e.name === name);
    if (!config) throw new DeployStop(`environment "${name}" has no config in environments/`);
    return config;
  });
}

export async function deploy(options: DeployOptions, deps: WorkflowDeps): Promise<void> {
  const targets = targetsOf(options.stacks, options.states, deps.environments);
  requirePrerequisites(deps.host, deps.cloudHostnames);
  await runGate(targets, options, deps);
  for (const [index, target] of targets.entries()) {
    try {
      requireQuietWindow([target], options, deps); // again: the gate and earlier stacks took time
    } catch (error) {
      if (index === 0 || !(error instanceof DeployStop)) throw error;
      const done = targets.slice(0, index).map((t) => t.name);
      throw new DeployStop(`${done.join(', ')} deployed; ${target.name} not started: ${error.message}`);
    }
    const [command, args] = cdktfCommand('deploy', target.name, ...(options.autoApprove ? ['--auto-approve'] : []));
    deps.say(`${command} ${args.join(' ')}`);
    const code = await deps.runner(command, args);
    if (code !== 0) {
      const skipped = targets.slice(index + 1).map((t) => t.name);
      throw new DeployStop(
        `cdktf deploy ${target.name} failed (exit ${code})${skipped.length ? `; ${skipped.join(', ')} not deployed` : ''}`,
      );
    }
  }
  deps.say(`deployed ${targets.map((t) => t.name).join(', then ')}`);
}

export async function diff(stack: string | undefined, deps: WorkflowDeps): Promise<number> {
  if (!stack || !(DEPLOY_ORDER as readonly string[]).includes(stack)) {
    throw new DeployStop(`which environment? give one of ${DEPLOY_ORDER.join(', ')}: npm run diff -- dev`);
  }
  requirePrerequisites(deps.host, deps.cloudHostnames);
  return deps.runner(...cdktfCommand('diff', stack));
}
