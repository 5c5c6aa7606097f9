/**
 * Writes contract/generated/openapi.json and contract/generated/routes.ts from the route table.
 * `--check` writes nothing and exits 1 when a file on disk differs from what would be written
 * (CI runs it so generated files never drift from the contract).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildRouteTableSource, openApiJsonText } from '../server/infra/openapi';

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'contract', 'generated');
const files: [string, string][] = [
  [path.join(outDir, 'openapi.json'), openApiJsonText()],
  [path.join(outDir, 'routes.ts'), buildRouteTableSource()],
];

const check = process.argv.includes('--check');
if (check) {
  const stale = files.filter(([file, text]) => !existsSync(file) || readFileSync(file, 'utf8') !== text);
  if (stale.length > 0) {
    for (const [file] of stale) console.error(`out of date: ${path.relative(root, file)}`);
    console.error('The generated contract files differ from contract/routes.ts. Run `npm run gen` and commit the result.');
    process.exit(1);
  }
  console.log('contract/generated is up to date.');
} else {
  mkdirSync(outDir, { recursive: true });
  for (const [file, text] of files) {
    writeFileSync(file, text);
    console.log(`wrote ${path.relative(root, file)}`);
  }
}
