// Node.js 22 for everything npm runs (README, "Quick start"): the tests themselves, and the `node` an
// npm script or a test finds on its PATH, are the project's own Node, the version the functions ship to.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LAMBDA_RUNTIME } from '../constructs/shared/bundle';

const manifest = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
  engines: { node: string };
  optionalDependencies: Record<string, string>;
};

describe('the Node.js the project runs on', () => {
  const pinned = new Set(Object.values(manifest.optionalDependencies));

  it('is one Node.js 22 release for every platform, the major of the Lambda runtime', () => {
    expect(pinned.size).toBe(1);
    const [version] = [...pinned];
    expect(version).toMatch(/^22\.\d+\.\d+$/);
    expect(LAMBDA_RUNTIME).toBe(`nodejs${version!.split('.')[0]}.x`);
    expect(manifest.engines.node).toBe('^22.19.0');
  });

  it('runs these tests, and is the `node` on their PATH', () => {
    const [version] = [...pinned];
    expect(process.version).toBe(`v${version}`);
    expect(execFileSync('node', ['-p', 'process.version'], { encoding: 'utf8' }).trim()).toBe(`v${version}`);
  });
});
