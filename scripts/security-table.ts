// Prints the generated tables of help/security.md from the synthesized dev stack:
// npx tsx scripts/security-table.ts             (what each role may do)
// npx tsx scripts/security-table.ts resources   (who may use each queue, topic, key and function)
import { dev } from '../environments/dev';
import { permissionTable, resourcePolicyTable } from '../__tests__/support/iam';
import { synthJson } from '../__tests__/support/synth';

const stack = synthJson(dev);
const table = process.argv[2] === 'resources' ? resourcePolicyTable(stack) : permissionTable(stack, 'dev');
process.stdout.write(`${table}\n`);
