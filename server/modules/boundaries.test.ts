import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The server's module boundaries (docs/architecture.md, "Modules"), checked on the source:
 * - a module is reached only through its index (its public surface), from other modules and
 *   from the rest of the server;
 * - no import cycle between modules (type-only imports count: a cycle of types is a cycle of
 *   knowledge);
 * - a module's SQL names only the tables it owns (each index declares them in `TABLES`); test
 *   files and test fixtures (testing.ts, or <part>-testing.ts) may set up other modules' rows.
 */
const SERVER = path.resolve(__dirname, '..');
const MODULES = path.join(SERVER, 'modules');

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : /\.ts$/.test(name) ? [full] : [];
  });
}

/** Tests and their support (fixtures, harnesses) may reach into modules to set up what they test. */
const isTestFile = (file: string) =>
  /\.test\.ts$/.test(file) || /(^|-)testing\.ts$/.test(path.basename(file)) || ['integration', 'test'].includes(path.relative(SERVER, file).split(path.sep)[0]);
const moduleNames = readdirSync(MODULES).filter((n) => statSync(path.join(MODULES, n)).isDirectory());
const moduleOf = (file: string): string | null => {
  const rel = path.relative(MODULES, file);
  return rel.startsWith('..') ? null : rel.split(path.sep)[0];
};

interface Import {
  from: string;
  to: string;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1];
    if (!spec.startsWith('.')) continue;
    out.push({ from: file, to: path.resolve(path.dirname(file), spec) });
  }
  return out;
}

const serverFiles = walk(SERVER).filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`));
const productionFiles = serverFiles.filter((f) => !isTestFile(f));

it('every module has an index that declares the tables it owns', async () => {
  const owners = new Map<string, string>();
  for (const name of moduleNames) {
    const surface = (await import(path.join(MODULES, name, 'index.ts'))) as { TABLES?: readonly string[] };
    expect({ module: name, tables: Array.isArray(surface.TABLES) }).toEqual({ module: name, tables: true });
    for (const table of surface.TABLES ?? []) {
      expect({ table, owners: [owners.get(table), name].filter(Boolean) }).toEqual({ table, owners: [name] });
      owners.set(table, name);
    }
  }
});

it('modules are reached only through their index', () => {
  const deep: string[] = [];
  for (const { from, to } of productionFiles.flatMap(importsOf)) {
    const target = moduleOf(to);
    if (!target) continue;
    if (moduleOf(from) === target) continue;
    const rel = path.relative(path.join(MODULES, target), to);
    if (rel !== '' && rel !== 'index') deep.push(`${path.relative(SERVER, from)} -> modules/${target}/${rel}`);
  }
  expect(deep).toEqual([]);
});

it('no import cycle between modules', () => {
  const edges = new Map<string, Set<string>>(moduleNames.map((n) => [n, new Set<string>()]));
  for (const { from, to } of productionFiles.flatMap(importsOf)) {
    const a = moduleOf(from);
    const b = moduleOf(to);
    if (a && b && a !== b) edges.get(a)!.add(b);
  }
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 'open') cycles.push([...stack.slice(stack.indexOf(m)), m].join(' -> '));
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of moduleNames) if (!state.has(n)) visit(n);
  expect(cycles).toEqual([]);
});

/**
 * The infrastructure: what modules stand on. It knows no module (the app and compose.ts connect
 * them). One exception: db/types.ts composes the Database type from every owner's table types
 * (type-only: the tables are defined beside the code that owns them).
 */
const COMPOSES_TYPES = path.join(SERVER, 'db', 'types.ts');
const INFRASTRUCTURE = ['infra', 'db', 'events', 'channels'];
const partOf = (file: string): string => {
  const [top, second] = path.relative(SERVER, file).split(path.sep);
  return top === 'modules' ? `modules/${second}` : top;
};

it('the infrastructure imports no module', () => {
  const up: string[] = [];
  for (const { from, to } of productionFiles.flatMap(importsOf)) {
    if (from === COMPOSES_TYPES) continue;
    if (INFRASTRUCTURE.includes(partOf(from)) && moduleOf(to)) up.push(`${path.relative(SERVER, from)} -> ${path.relative(SERVER, to)}`);
  }
  expect(up).toEqual([]);
});

it('no import cycle between files of the infrastructure', () => {
  const resolve = (to: string) => (to.endsWith('.ts') ? to : serverFiles.includes(`${to}.ts`) ? `${to}.ts` : path.join(to, 'index.ts'));
  const infra = productionFiles.filter((f) => INFRASTRUCTURE.includes(partOf(f)));
  const edges = new Map<string, string[]>(infra.map((f) => [f, importsOf(f).map((i) => resolve(i.to)).filter((t) => infra.includes(t))]));
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 'open');
    stack.push(n);
    for (const m of edges.get(n) ?? []) {
      if (state.get(m) === 'open') cycles.push([...stack.slice(stack.indexOf(m)), m].map((f) => path.relative(SERVER, f)).join(' -> '));
      else if (!state.has(m)) visit(m);
    }
    stack.pop();
    state.set(n, 'done');
  };
  for (const n of infra) if (!state.has(n)) visit(n);
  expect(cycles).toEqual([]);
});

/** Table names in query-builder calls, raw sql.table() and insertTogether groups. */
const TABLE_USE = /(?:selectFrom|updateTable|insertInto|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin|sql\.table)\(\s*'([a-z_]+)|\btable:\s*'([a-z_]+)'/g;

it("a module's SQL names only the tables it owns", async () => {
  const owner = new Map<string, string>();
  for (const name of moduleNames) {
    const surface = (await import(path.join(MODULES, name, 'index.ts'))) as { TABLES: readonly string[] };
    for (const table of surface.TABLES) owner.set(table, name);
  }
  const foreign: string[] = [];
  for (const file of productionFiles) {
    const mod = moduleOf(file);
    if (!mod) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(TABLE_USE)) {
      const table = m[1] ?? m[2];
      const own = owner.get(table);
      if (own && own !== mod) foreign.push(`${path.relative(SERVER, file)}: ${table} (owned by ${own})`);
    }
  }
  expect(foreign).toEqual([]);
});
