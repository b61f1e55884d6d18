// A throwaway project for the cache tests: package.json, lockfile, tsconfig and one dependency,
// `demo-dep`, whose `suffix` a source can import. Each test adds its sources with writeProjectFile.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function writeProjectFile(root: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

/** A new scratch project, and its cache folder `node_modules/.cache/<cache>` (not created). */
export function scratchProject(prefix: string, cache: string): { root: string; cacheDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  writeProjectFile(root, 'package.json', '{"name":"demo","private":true}');
  writeProjectFile(root, 'package-lock.json', '{"lockfileVersion":3,"packages":{}}');
  writeProjectFile(root, 'tsconfig.json', '{"compilerOptions":{"strict":true}}');
  writeProjectFile(root, 'node_modules/demo-dep/package.json', '{"name":"demo-dep","main":"index.js"}');
  writeProjectFile(root, 'node_modules/demo-dep/index.js', 'exports.suffix = "!";');
  return { root, cacheDir: path.join(root, 'node_modules', '.cache', cache) };
}
