// Prints the "who may do what" table of help/security.md from the synthesized dev stack:
// npx tsx scripts/security-table.ts
import { dev } from '../environments/dev';
import { permissionTable } from '../__tests__/support/iam';
import { synthJson } from '../__tests__/support/synth';

process.stdout.write(`${permissionTable(synthJson(dev), 'dev')}\n`);
