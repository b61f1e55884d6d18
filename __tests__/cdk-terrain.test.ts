// scripts/cdk-terrain/check.ts (run in CI, where it installs cdktn from the npm registry): how it
// switches a copy to CDK Terrain and what it counts as the same stack.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { differences, switchToTerrain, TERRAIN, withoutMetadata } from '../scripts/cdk-terrain/check';

const ROOT = path.join(__dirname, '..');

const stack = (version: string, extra: Record<string, unknown> = {}) => ({
  '//': { metadata: { backend: 'local', stackName: 'qa', version }, outputs: {} },
  terraform: { required_providers: { aws: { source: 'aws', version: '5.100.0' } } },
  resource: { aws_sqs_queue: { q: { name: 'q' } } },
  ...extra,
});

describe('the CDK Terrain check', () => {
  it('ignores only the top-level "//" metadata', () => {
    expect(differences(stack('0.21.0'), stack('0.24.0'))).toEqual([]);
    expect(withoutMetadata(stack('0.24.0'))).toEqual({ ...stack('x'), '//': { outputs: {} } });
    expect(
      differences(stack('0.21.0'), stack('0.24.0', { resource: { aws_sqs_queue: { q: { name: 'r' } } } })),
    ).toEqual(['resource']);
    const withOutputs = { ...stack('0.24.0'), '//': { metadata: {}, outputs: { qa: { url: 'x' } } } };
    expect(differences(stack('0.21.0'), withOutputs)).toEqual(['//']);
  });

  it("aliases cdktf and cdktf-cli to cdktn 0.24 and names cdktn in the copy's scripts/cdktf-cli.ts", () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'cdk-terrain-test-'));
    try {
      cpSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
      cpSync(path.join(ROOT, 'scripts', 'cdktf-cli.ts'), path.join(copy, 'scripts', 'cdktf-cli.ts'));
      switchToTerrain(copy);
      const manifest = JSON.parse(readFileSync(path.join(copy, 'package.json'), 'utf8')) as {
        dependencies: Record<string, string>;
        devDependencies: Record<string, string>;
      };
      expect(manifest.dependencies.cdktf).toBe('npm:cdktn@0.24.0');
      expect(manifest.devDependencies['cdktf-cli']).toBe('npm:cdktn-cli@0.24.0');
      expect(manifest.dependencies['@cdktf/provider-aws']).toBe('20.1.0');
      // cdktn 0.24 accepts constructs >=10.6.0 <10.8.0, and so does cdktf 0.21 (^10.4.2).
      expect(manifest.dependencies.constructs).toMatch(/^10\.[67]\.\d+$/);
      expect(readFileSync(path.join(copy, 'scripts', 'cdktf-cli.ts'), 'utf8')).toContain(
        `export const CDKTF_CLI = '${TERRAIN.cliName}';`,
      );
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
