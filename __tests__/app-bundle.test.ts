// The app bundle cache (scripts/app-bundle/) on a scratch project that carries a copy of the launcher:
// an entry runs from its bundle as if `node <entry>` ran it, a bundle is reused only while every
// input is unchanged, and a change to any of them (source, dependency, lockfile, a new file that
// changes how an import resolves) or a damaged entry gives what a fresh build gives. Last, the real
// app as cdktf.json runs it writes the same files as the app run in-process from its sources.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildApp, createApp } from '../main';
import { scratchProject, writeProjectFile } from './support/scratch-project';

const ROOT = path.join(__dirname, '..');
const LAUNCHER_FILES = [
  'scripts/app-bundle/run.js',
  'scripts/app-bundle/app-bundle.js',
  'scripts/app-bundle/token-stacks-off.js',
  'constructs/shared/content-cache.js',
];

let root: string;
let cacheDir: string;

const write = (file: string, text: string): void => writeProjectFile(root, file, text);

beforeEach(() => {
  ({ root, cacheDir } = scratchProject('app-bundle-project-', 'app-bundles'));
  for (const file of LAUNCHER_FILES) cpSync(path.join(ROOT, file), path.join(root, file));
  for (const dependency of ['esbuild', 'tsx']) {
    mkdirSync(path.join(root, 'node_modules'), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules', dependency), path.join(root, 'node_modules', dependency));
  }
  write('lib/words/index.ts', 'export const word = "folder";');
  write('lib/deep/where.ts', 'export const where = { dir: __dirname, file: __filename };');
  write(
    'main.ts',
    [
      "import { suffix } from 'demo-dep';",
      "import { where } from './lib/deep/where';",
      "import { word } from './lib/words';",
      'if (require.main === module) {',
      '  const report = { text: `${word}${suffix}`, args: process.argv.slice(2), dir: __dirname, where };',
      '  process.stdout.write(JSON.stringify(report));',
      '}',
    ].join('\n'),
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

interface Report {
  text: string;
  args: string[];
  dir: string;
  where: { dir: string; file: string };
}

function run(env: Record<string, string> = {}): Report {
  const stdout = execFileSync(process.execPath, ['scripts/app-bundle/run.js', 'main.ts', 'one', '--two'], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as Report;
}

/** The bundles in the cache, with their modification times. */
function bundles(): Map<string, number> {
  const found = new Map<string, number>();
  for (const file of readdirSync(cacheDir).filter((f) => f.endsWith('.js'))) {
    found.set(file, statSync(path.join(cacheDir, file)).mtimeMs);
  }
  return found;
}

describe('the app bundle', () => {
  it('runs the entry as the main module with its arguments; each file keeps its own __dirname and __filename', () => {
    expect(run()).toEqual({
      text: 'folder!',
      args: ['one', '--two'],
      dir: root,
      where: { dir: path.join(root, 'lib', 'deep'), file: path.join(root, 'lib', 'deep', 'where.ts') },
    });
  });

  it('serves the same bundle to a later run while nothing changed', () => {
    run();
    const first = bundles();
    const again = run();

    expect(first.size).toBe(1);
    expect(bundles()).toEqual(first); // neither rebuilt nor rewritten
    expect(again.text).toBe('folder!');
  });

  it.each([
    ['a changed source file', () => write('lib/words/index.ts', 'export const word = "changed";'), 'changed!'],
    [
      'a changed dependency in node_modules',
      () => write('node_modules/demo-dep/index.js', 'exports.suffix = "?";'),
      'folder?',
    ],
    ['a new file that an import now resolves to', () => write('lib/words.ts', 'export const word = "file";'), 'file!'],
    [
      'a changed lockfile',
      () => write('package-lock.json', '{"lockfileVersion":3,"packages":{"":{"name":"demo"}}}'),
      'folder!',
    ],
  ])('rebuilds on %s, and runs what the sources now say', (_, change, text) => {
    run();
    const before = bundles();
    change();
    const after = run();

    expect(bundles()).not.toEqual(before); // a new key, or the same key's bundle rebuilt
    expect(after.text).toBe(text);
    expect(after.text).toBe(run({ APP_BUNDLE_CACHE: 'off' }).text);
  });

  it('refuses a damaged bundle and rebuilds it', () => {
    run();
    const [name] = [...bundles().keys()];
    writeFileSync(path.join(cacheDir, name!), 'process.stdout.write(JSON.stringify({ text: "stale" }));');

    expect(run().text).toBe('folder!');
    expect(readFileSync(path.join(cacheDir, name!), 'utf8')).not.toContain('stale');
  });

  it('refuses an entry whose recorded inputs no longer match, even if the key matches', () => {
    run();
    const [name] = [...bundles().keys()];
    const entryFile = path.join(cacheDir, name!.replace(/\.js$/, '.json'));
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as { inputs: Record<string, string> };
    entry.inputs['lib/words/index.ts'] = '0'.repeat(64);
    writeFileSync(entryFile, JSON.stringify(entry));

    expect(run().text).toBe('folder!');
    expect(JSON.parse(readFileSync(entryFile, 'utf8'))).not.toEqual(entry);
  });

  it('takes a settled file as unchanged only while its stat is the one recorded: new contents of the same size and mtime rebuild', async () => {
    await new Promise((settle) => setTimeout(settle, 2100)); // older than content-cache.js's SETTLED_MS
    run();
    const [name] = [...bundles().keys()];
    const entry = JSON.parse(readFileSync(path.join(cacheDir, name!.replace(/\.js$/, '.json')), 'utf8')) as {
      stats: Record<string, string>;
    };
    expect(entry.stats['lib/words/index.ts']).toBeDefined();

    const words = path.join(root, 'lib', 'words', 'index.ts');
    const { atime, mtime } = statSync(words);
    writeFileSync(words, 'export const word = "FOLDER";'); // as long as "folder"
    utimesSync(words, atime, mtime); // the ctime still moves

    expect(run().text).toBe('FOLDER!');
  });

  it('APP_BUNDLE_CACHE=off runs the sources through tsx and writes no bundle', () => {
    expect(run({ APP_BUNDLE_CACHE: 'off' })).toEqual(run());
    rmSync(cacheDir, { recursive: true });
    run({ APP_BUNDLE_CACHE: 'off' });
    expect(() => readdirSync(cacheDir)).toThrow();
  });

  it('lets Node report an error the app throws, with its stack and exit code 1, as `node <entry>` does', () => {
    write('main.ts', "function failing(): never { throw new Error('bug in the app'); }\nfailing();\n");
    const result = spawnSync(process.execPath, ['scripts/app-bundle/run.js', 'main.ts'], {
      cwd: root,
      encoding: 'utf8',
    });

    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Error: bug in the app\n\s+at failing \(/);
  });

  it('runs when the cache cannot be written', () => {
    write('node_modules/.cache/app-bundles', 'a file where the folder would be');
    expect(run().text).toBe('folder!');
  });
});

describe('the real app from its bundle', () => {
  function filesUnder(dir: string): Record<string, string> {
    const files: Record<string, string> = {};
    const walk = (at: string) => {
      for (const entry of readdirSync(at, { withFileTypes: true })) {
        const file = path.join(at, entry.name);
        if (entry.isDirectory()) walk(file);
        else files[path.relative(dir, file)] = readFileSync(file).toString('base64');
      }
    };
    walk(dir);
    return files;
  }

  it('writes, as cdktf.json runs it, the same files byte for byte as the app run from its sources', () => {
    const app = (JSON.parse(readFileSync(path.join(ROOT, 'cdktf.json'), 'utf8')) as { app: string }).app;
    const [command, ...args] = app.split(' ');
    expect(command).toBe('node');
    const bundled = mkdtempSync(path.join(tmpdir(), 'app-bundle-out-'));
    const fromSources = mkdtempSync(path.join(tmpdir(), 'app-sources-out-'));
    try {
      execFileSync(process.execPath, args, { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: bundled } });
      buildApp(createApp(fromSources)).synth();

      const written = filesUnder(bundled);
      expect(Object.keys(written)).toContain(path.join('stacks', 'dev', 'cdk.tf.json'));
      expect(written).toEqual(filesUnder(fromSources));
    } finally {
      rmSync(bundled, { recursive: true, force: true });
      rmSync(fromSources, { recursive: true, force: true });
    }
  });
});
