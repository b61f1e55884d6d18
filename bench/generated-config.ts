// Environment inputs with N generated services each (the shipped configs' other settings kept).
import type { EnvironmentInput } from '../environments';

export function generatedInputs(inputs: readonly EnvironmentInput[], services: number): EnvironmentInput[] {
  return inputs.map((input) => {
    const env = structuredClone(input);
    env.scheduler.services = Array.from({ length: services }, (_, i) => ({
      cluster: `bench-cluster-${Math.floor(i / 100)}`,
      service: `svc-${String(i).padStart(3, '0')}`,
    }));
    delete env.cloudwatch.ecsAlarms; // names the shipped services
    return env;
  });
}
