// The floor of synth time: a process that only loads cdktf and the provider classes the constructs
// use (found by scanning their imports, so the list cannot drift from the code).
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const CONSTRUCTS = join(__dirname, '..', 'constructs');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

export function providerModules(): string[] {
  const found = new Set<string>();
  for (const file of sourceFiles(CONSTRUCTS)) {
    for (const match of readFileSync(file, 'utf8').matchAll(/'(@cdktf\/provider-aws\/lib\/[a-z0-9-]+)'/g))
      found.add(match[1]!);
  }
  return [...found].sort();
}

if (require.main === module) {
  const load = createRequire(__filename);
  load('cdktf');
  for (const name of providerModules()) load(name);
}
