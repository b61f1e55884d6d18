// Jest transform: TypeScript to CommonJS with esbuild, transpile only (as tsx runs the app; tsconfig's
// `isolatedModules` keeps every file transpilable on its own; `npm run typecheck` checks the types).
// It replaces ts-jest, which loads the TypeScript compiler into every worker: seconds of CPU per run,
// and a heap so large that a worker took longer to exit than jest allows it (500 ms), so every run
// ended with "A worker process has failed to exit gracefully".
const { createHash } = require('node:crypto');
const { transformSync, version } = require('esbuild');

const OPTIONS = { loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'external' };

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, { ...OPTIONS, sourcefile: filename });
    return { code, map };
  },
  getCacheKey(source, filename) {
    return createHash('sha256')
      .update(JSON.stringify([version, OPTIONS, filename, source]))
      .digest('hex');
  },
};
