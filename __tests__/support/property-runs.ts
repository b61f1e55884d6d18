// How many cases a property test runs: the full count in CI (.ci/run sets CI=true) or with
// PROPERTY_RUNS=full, a quarter of it in a local `npm test` (each run draws new random cases) and
// always in `npm run test:quick` (PROPERTY_RUNS=local).
export function propertyRuns(full: number, env: NodeJS.ProcessEnv = process.env): number {
  if (env.PROPERTY_RUNS === 'local') return Math.ceil(full / 4);
  const everything = env.CI === 'true' || env.CI === '1' || env.PROPERTY_RUNS === 'full';
  return everything ? full : Math.ceil(full / 4);
}
