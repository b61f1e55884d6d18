// Live-config check: the parts of help/ generated from the shipped environments are current
// (after a config change, `npm run test:update` regenerates them; never edit them by hand).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadEnvironments } from '../../environments';
import { GENERATED_DOCS } from '../../scripts/docs/generated';

const ROOT = path.resolve(__dirname, '../..');

it.each(GENERATED_DOCS.map((doc) => [doc.file, doc] as const))(
  '%s is what the configuration generates (else: npm run test:update)',
  (file, doc) => {
    expect(readFileSync(path.join(ROOT, file), 'utf8')).toBe(doc.render(loadEnvironments()));
  },
);
