// The migration preflight: one stack against one state file.
import { environmentMismatch } from './environment';
import { predictPlan, type MigrationReport, type StackJson } from './plan';
import { readStateFile, StateFileError } from './state-file';
import { stackNames, synthesizeStack } from './synthesize';

export interface CheckOptions {
  stack: string;
  stateFile: string;
  /** The synthesized stack; synthesized from the app when left out. */
  config?: StackJson;
}

export function checkMigration(options: CheckOptions): MigrationReport {
  if (!stackNames().includes(options.stack)) {
    throw new StateFileError(`--stack ${options.stack}: no such stack; the app has ${stackNames().join(', ')}`);
  }
  const state = readStateFile(options.stateFile);
  const mismatch = environmentMismatch(options.stack, state.resources);
  if (mismatch) throw new StateFileError(`${options.stateFile}: ${mismatch}`);
  return predictPlan(options.stack, options.config ?? synthesizeStack(options.stack), state.resources);
}
