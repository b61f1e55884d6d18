// `npm run deploy`: tests, then the migration preflight for each given state, then `cdktf deploy dev`
// and, only when that succeeded, `cdktf deploy stg`. `npm run diff`: `cdktf diff <env>`.
// Commands run through an injected runner, so the order is tested without terraform.
import type { MigrationReport } from '../migration/plan';
import { DeployStop, requirePrerequisites, type Host } from './prerequisites';

/** Runs a command with the terminal attached; resolves to its exit code. */
export type Runner = (command: string, args: string[]) => Promise<number>;

export interface WorkflowDeps {
  runner: Runner;
  host: Host;
  /** The migration preflight of one stack against one state file (throws on a bad file). */
  preflight: (stack: string, stateFile: string) => MigrationReport | Promise<MigrationReport>;
  /** Where the one-line progress notes go. */
  say: (line: string) => void;
  /** The HCP Terraform hostnames the stacks' backends use. */
  cloudHostnames: string[];
}

/** Environments in deployment order: each only after the one before it succeeded. */
export const DEPLOY_ORDER = ['dev', 'stg'] as const;

export interface DeployOptions {
  autoApprove: boolean;
  /** Legacy state files to preflight, by stack. */
  states: Record<string, string>;
}

async function preflightAll(states: Record<string, string>, deps: WorkflowDeps): Promise<void> {
  for (const [stack, file] of Object.entries(states)) {
    let report: MigrationReport;
    try {
      report = await deps.preflight(stack, file);
    } catch (error) {
      throw new DeployStop(`migration preflight for ${stack} could not run: ${(error as Error).message}`);
    }
    if (!report.ok) {
      const destroyed = report.destroyed.filter((d) => !d.allowed).length;
      const replaced = report.replaced.filter((r) => !r.intended).length;
      throw new DeployStop(
        `migration preflight for ${stack} failed (${destroyed} destroyed not allowed, ${replaced} replaced not intended): see \`npm run migrate:check -- --stack ${stack} --state ${file}\``,
      );
    }
    deps.say(
      `migration preflight for ${stack}: ok (${report.moved.length} moved, ${report.destroyed.length} destroyed as allowed)`,
    );
  }
}

export async function deploy(options: DeployOptions, deps: WorkflowDeps): Promise<void> {
  for (const stack of Object.keys(options.states)) {
    if (!(DEPLOY_ORDER as readonly string[]).includes(stack)) {
      throw new DeployStop(`--state ${stack}=...: no stack "${stack}"; the stacks are ${DEPLOY_ORDER.join(', ')}`);
    }
  }
  requirePrerequisites(deps.host, deps.cloudHostnames);
  deps.say('running npm test before deploying');
  const tests = await deps.runner('npm', ['test']);
  if (tests !== 0) throw new DeployStop(`npm test failed (exit ${tests}): nothing was deployed; fix the tests first`);
  await preflightAll(options.states, deps);
  for (const [index, stack] of DEPLOY_ORDER.entries()) {
    const args = ['cdktf', 'deploy', stack, ...(options.autoApprove ? ['--auto-approve'] : [])];
    deps.say(`npx ${args.join(' ')}`);
    const code = await deps.runner('npx', args);
    if (code !== 0) {
      const skipped = DEPLOY_ORDER.slice(index + 1);
      throw new DeployStop(
        `cdktf deploy ${stack} failed (exit ${code})${skipped.length ? `; ${skipped.join(', ')} not deployed` : ''}`,
      );
    }
  }
  deps.say(`deployed ${DEPLOY_ORDER.join(', then ')}`);
}

export async function diff(stack: string | undefined, deps: WorkflowDeps): Promise<number> {
  if (!stack || !(DEPLOY_ORDER as readonly string[]).includes(stack)) {
    throw new DeployStop(`which stack? give one of ${DEPLOY_ORDER.join(', ')}: npm run diff -- dev`);
  }
  requirePrerequisites(deps.host, deps.cloudHostnames);
  return deps.runner('npx', ['cdktf', 'diff', stack]);
}
