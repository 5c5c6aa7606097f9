import fs from 'node:fs';
import path from 'node:path';

/**
 * On mini-programs a page gets only the stylesheets it imports (each page has its own wxss), so
 * a workbench class styled in another page's stylesheet is unstyled there. Every styled `wb-`
 * class a page names (itself or through the workbench's shared pieces) is defined in a
 * stylesheet the page imports.
 */
const dir = __dirname;
const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

/** The wb- classes named in className attributes (string literals and templates). */
function classesUsed(source: string): Set<string> {
  const out = new Set<string>();
  for (const m of source.matchAll(/className=(?:"([^"]*)"|\{`([^`]*)`\})/g)) {
    for (const c of (m[1] ?? m[2]).matchAll(/\bwb-[a-z][\w-]*/g)) out.add(c[0]);
  }
  return out;
}

const classesDefined = (css: string) => new Set([...css.matchAll(/\.(wb-[\w-]+)/g)].map((m) => m[1]));

/** What a page also renders from the workbench's shared modules. */
const SHARED: Record<string, string> = { './shared': 'shared.tsx', './sku-editor': 'sku-editor.tsx', './live-shared': 'live-shared.tsx' };

/** Every wb- class some workbench stylesheet styles (the others are markers without rules). */
const styled = new Set(fs.readdirSync(dir).filter((f) => f.endsWith('.css')).flatMap((f) => [...classesDefined(read(f))]));

const pages = fs.readdirSync(dir).filter((f) => f.endsWith('.tsx') && !f.endsWith('.test.tsx') && !Object.values(SHARED).includes(f));

describe('workbench stylesheets', () => {
  it.each(pages)('%s imports the stylesheets of every workbench class it uses', (page) => {
    const source = read(page);
    const used = classesUsed(source);
    for (const [spec, file] of Object.entries(SHARED)) if (source.includes(`from '${spec}'`)) for (const c of classesUsed(read(file))) used.add(c);
    const defined = new Set<string>();
    for (const m of source.matchAll(/import '\.\/([\w-]+\.css)';/g)) for (const c of classesDefined(read(m[1]))) defined.add(c);
    const missing = [...used].filter((c) => styled.has(c) && !defined.has(c));
    expect(missing).toEqual([]);
  });
});
