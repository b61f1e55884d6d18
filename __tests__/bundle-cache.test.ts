// The cross-process bundle cache on a scratch project: a zip is reused only while every input is
// unchanged, and a change to any of them (source, shared code, dependency, lockfile, a new file
// that changes how an import resolves, data files) gives the zip a cold build would give.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildFunctionZip, type FunctionBundle } from '../constructs/shared/bundle';
import { scratchProject, writeProjectFile } from './support/scratch-project';

let root: string;
let cacheDir: string;

const write = (file: string, text: string): void => writeProjectFile(root, file, text);

beforeEach(() => {
  ({ root, cacheDir } = scratchProject('bundle-cache-project-', 'function-bundles'));
  write('shared/greeting.ts', 'export const greeting = "hello";');
  write('functions/demo/words/index.ts', 'export const word = "folder";');
  write(
    'functions/demo/index.ts',
    [
      "import { suffix } from 'demo-dep';",
      "import { greeting } from '../../shared/greeting';",
      "import { word } from './words';",
      'export const handler = async () => `${greeting} ${word}${suffix}`;',
    ].join('\n'),
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const build = (files: Record<string, string> = {}): FunctionBundle =>
  buildFunctionZip('demo', files, { root, cacheDir });
const cold = (files: Record<string, string> = {}): FunctionBundle =>
  buildFunctionZip('demo', files, { root, cacheDir: false });

describe('the bundle cache', () => {
  it('serves the same zip to a later build while nothing changed', () => {
    const first = build();
    const second = build();

    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.zipSha256).toBe(first.zipSha256);
    expect(second.zipSha256).toBe(cold().zipSha256);
  });

  it.each([
    ['the function source', () => write('functions/demo/words/index.ts', 'export const word = "changed";')],
    ['shared code it imports', () => write('shared/greeting.ts', 'export const greeting = "hi";')],
    ['a dependency in node_modules', () => write('node_modules/demo-dep/index.js', 'exports.suffix = "?";')],
    [
      'a new file that an import now resolves to',
      () => write('functions/demo/words.ts', 'export const word = "file";'),
    ],
  ])('rebuilds when %s changes: the hash changes to the cold build', (_, change) => {
    const before = build();
    change();
    const after = build();

    expect(after.fromCache).toBe(false);
    expect(after.zipSha256).not.toBe(before.zipSha256);
    expect(after.zipSha256).toBe(cold().zipSha256);
  });

  it('rebuilds when only the lockfile changes (the code may not, then neither does the hash)', () => {
    const before = build();
    write('package-lock.json', '{"lockfileVersion":3,"packages":{"":{"name":"demo"}}}');
    const after = build();

    expect(after.fromCache).toBe(false);
    expect(after.zipSha256).toBe(before.zipSha256);
  });

  it('gives each set of data files its own zip', () => {
    const dev = build({ 'wave-manifest.json': '{"env":"dev"}' });
    const stg = build({ 'wave-manifest.json': '{"env":"stg"}' });

    expect(stg.fromCache).toBe(true); // the code is shared
    expect(stg.zipSha256).not.toBe(dev.zipSha256);
    expect(stg.zipSha256).toBe(cold({ 'wave-manifest.json': '{"env":"stg"}' }).zipSha256);
  });

  it('never serves a damaged entry: a truncated or altered file is rebuilt', () => {
    const good = build();
    for (const file of readdirSync(cacheDir).filter((f) => f.endsWith('.bin'))) {
      writeFileSync(path.join(cacheDir, file), 'not the bytes that were stored');
    }
    const after = build();

    expect(after.fromCache).toBe(false);
    expect(after.zipSha256).toBe(good.zipSha256);
    expect(build().fromCache).toBe(true); // and the repaired entry is used again
  });

  it('still builds when the cache cannot be written', () => {
    writeFileSync(path.join(root, 'node_modules', '.cache'), 'a file where the cache folder would go');
    const first = build();
    const second = build();

    expect(second.fromCache).toBe(false);
    expect(second.zipSha256).toBe(first.zipSha256);
    expect(first.zipSha256).toBe(cold().zipSha256);
  });
});
