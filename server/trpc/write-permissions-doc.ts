import fs from 'node:fs';
import { permissionsMarkdown } from './permissions-table.ts';

fs.mkdirSync('docs', { recursive: true });
fs.writeFileSync('docs/permissions.md', await permissionsMarkdown());
console.log('wrote docs/permissions.md');
