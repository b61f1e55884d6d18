// Live-config check: the parts of help/ generated from the shipped environments are current
// (after a config change, `npm run test:update` regenerates them; never edit them by hand).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENVIRONMENT_INPUTS } from '../../environments';
import { GENERATED_DOCS } from '../../scripts/docs/generated';

const ROOT = path.resolve(__dirname, '../..');

it.each(GENERATED_DOCS.map((doc) => [doc.file, doc] as const))(
  '%s is what the configuration generates (else: npm run test:update)',
  (file, doc) => {
    const current = readFileSync(path.join(ROOT, file), 'utf8');
    expect(current).toBe(doc.render([...ENVIRONMENT_INPUTS], current));
  },
);
