import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SCENE_PATTERN, SHARE_PAGES, shareCodeBody } from './share';

describe('share code input', () => {
  it("names only the main package's pages of the app (src/app.config.ts)", () => {
    const source = readFileSync(path.join(__dirname, '..', 'src', 'app.config.ts'), 'utf8');
    const main = /pages:\s*\[([^\]]*)\]/.exec(source)?.[1] ?? '';
    const pages = new Set([...main.matchAll(/'([^']+)'/g)].map((m) => m[1]));
    expect(pages.size).toBeGreaterThan(3);
    for (const page of SHARE_PAGES) expect(pages.has(page)).toBe(true);
  });

  it("takes WeChat's scene: 1 to 32 characters of its alphabet", () => {
    for (const ok of ['a', 'x'.repeat(32), "0-9AZaz!#$&'()*+,/:;=?@-._~", 't=Ab3dEf7hIj9kLm']) expect(SCENE_PATTERN.test(ok)).toBe(true);
    for (const bad of ['', 'x'.repeat(33), 'a%20b', 'a b', '中文', 'a"b', 'a\nb', 'a<b']) expect(SCENE_PATTERN.test(bad)).toBe(false);
  });

  it('refuses an unknown platform, a page with a query or a leading slash, and unknown fields', () => {
    const ok = { platform: 'weapp', page: 'pages/product/index', scene: 'a=1' };
    expect(shareCodeBody.safeParse(ok).success).toBe(true);
    expect(shareCodeBody.safeParse({ ...ok, platform: 'qq' }).success).toBe(false);
    expect(shareCodeBody.safeParse({ ...ok, page: '/pages/product/index' }).success).toBe(false);
    expect(shareCodeBody.safeParse({ ...ok, page: 'pages/product/index?id=1' }).success).toBe(false);
    expect(shareCodeBody.safeParse({ ...ok, extra: 1 }).success).toBe(false);
  });
});
