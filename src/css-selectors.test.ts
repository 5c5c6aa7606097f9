import fs from 'node:fs';
import path from 'node:path';

/**
 * Taro's H5 build rewrites a component's tag in CSS selectors to its web component's tag
 * (`textarea` becomes `taro-textarea-core`, the host, not the <textarea> inside it), so a rule
 * such as `.note textarea` styles nothing on H5. Style the inner element by its class
 * (`.note .taro-textarea`) or the host by the component's own className.
 */
const ROOT = __dirname;

function cssFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return cssFiles(full);
    return e.name.endsWith('.css') ? [full] : [];
  });
}

/** Selectors (the text before each `{`, comments removed) naming `textarea` as a type. */
function textareaSelectors(css: string): string[] {
  const bare = css.replace(/\/\*[\s\S]*?\*\//g, '');
  return [...bare.matchAll(/([^{}]+)\{/g)].map((m) => m[1].trim()).filter((sel) => /(^|[\s>+~,(])textarea\b/.test(sel));
}

it('no stylesheet selects the textarea component by its tag (H5 rewrites it to the host)', () => {
  const found = cssFiles(ROOT).flatMap((file) => textareaSelectors(fs.readFileSync(file, 'utf8')).map((sel) => `${path.relative(ROOT, file)}: ${sel}`));
  expect(found).toEqual([]);
});

it('finds such a selector when there is one', () => {
  expect(textareaSelectors('.a textarea { color: red; } .b .taro-textarea { x: y; } /* textarea */')).toEqual(['.a textarea']);
});
