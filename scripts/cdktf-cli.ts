// The one place that names the CDKTF CLI the scripts run (`npm run deploy`, `npm run diff`, the
// bench): `cdktf` from cdktf-cli 0.21 today; `cdktn` from cdktn-cli once the project moves to CDK
// Terrain (help/architecture.md, "CDK Terrain"; scripts/cdk-terrain/check.ts switches it in a copy).
export const CDKTF_CLI = 'cdktf';

/** The command and arguments that run the CLI with `args`, through npx (the project's own copy). */
export function cdktfCommand(...args: string[]): [command: string, args: string[]] {
  return ['npx', [CDKTF_CLI, ...args]];
}
