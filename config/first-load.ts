/**
 * H5 first load: start what the opened page needs while app.js is still on its way.
 *
 * Taro's H5 router loads a page's chunks (and the page then its data) only after app.js has
 * run, which puts two more round trips before the page's largest image can even be requested.
 * This plugin writes a small script at the top of index.html that, once the boot screen has
 * painted, reads the route from the URL's hash (the first page of app.json when there is none) and adds `<link rel="preload">`
 * for that page's chunks (found in the build's chunk groups) and for the API requests it makes
 * at once (FIRST_REQUESTS below): the browser fetches them beside app.js, and the page's own
 * requests take the preloaded answers instead of going out again (e2e/accessibility.e2e.ts
 * checks each is fetched once).
 */
import path from 'node:path';
import type HtmlWebpackPlugin from 'html-webpack-plugin';

/**
 * The GET requests a page makes as soon as it opens, as its hooks build them (query keys in
 * the order the page passes them; `{name}` is taken from the page URL's query). A request that
 * needs a login cannot be preloaded. Keep in step with the pages: src/pages/home (useHome,
 * useProductList FEED, useLiveEntry), src/pages/product (useProduct), src/pages/category (useCategories).
 */
export const FIRST_REQUESTS: Record<string, string[]> = {
  // The live entry's one session (useLiveEntry) goes out with home's own requests: the page's
  // top waits for it (src/pages/home/live-entry.tsx), so it is preloaded beside them.
  'pages/home/index': ['/api/home', '/api/products?sort=default&limit=10', '/api/live/sessions?limit=1'],
  'pages/category/index': ['/api/categories'],
  'pages/product/index': ['/api/products/{id}'],
};

interface ChunkGroupLike {
  origins: { request?: string }[];
  chunks: { files: Set<string> }[];
}
interface CompilerLike {
  hooks: { compilation: { tap(name: string, fn: (compilation: Parameters<typeof HtmlWebpackPlugin.getHooks>[0] & { chunkGroups: ChunkGroupLike[] }) => void): void } };
}

const NAME = 'FirstLoadPreloadPlugin';

/** Page path (pages/home/index) -> the files of the chunks its router import loads. */
export function pageChunkFiles(groups: ChunkGroupLike[], publicPath: string): Record<string, string[]> {
  const pages: Record<string, string[]> = {};
  for (const group of groups) {
    for (const origin of group.origins) {
      const m = /(?:^|[\\/])(pages[\\/][^?!]+?)(?:\.[jt]sx?)?$/.exec(origin.request ?? '');
      if (!m) continue;
      const page = m[1].split(path.sep).join('/');
      const files = group.chunks.flatMap((c) => [...c.files]).filter((f) => /\.(js|css)$/.test(f));
      pages[page] = [...new Set([...(pages[page] ?? []), ...files.map((f) => publicPath + f)])];
    }
  }
  return pages;
}

/** The inline script: preload links for the route in location.hash. */
export function preloadScript(firstPage: string, chunks: Record<string, string[]>, requests: Record<string, string[]>, apiBase: string): string {
  const data = JSON.stringify({ first: firstPage, chunks, requests, api: apiBase });
  // Run after the first frame: the boot screen paints first, then these downloads start (still
  // long before app.js has run). Where frames never come (a hidden tab), the page fetches its
  // chunks and data itself as it always does.
  return `!function(d){function run(){var l=location,h=l.hash.replace(/^#\\/?/,''),q=h.indexOf('?'),p=(q<0?h:h.slice(0,q))||d.first,s=q<0?'':h.slice(q+1),a={};` +
    `s.split('&').forEach(function(kv){var i=kv.indexOf('=');if(i>0)a[decodeURIComponent(kv.slice(0,i))]=decodeURIComponent(kv.slice(i+1))});` +
    `function add(href,as,cors){var e=document.createElement('link');e.rel='preload';e.as=as;e.href=href;if(cors)e.crossOrigin='anonymous';document.head.appendChild(e)}` +
    `(d.chunks[p]||[]).forEach(function(f){add(f,/\\.css$/.test(f)?'style':'script')});` +
    `(d.requests[p]||[]).forEach(function(r){var ok=true,u=r.replace(/\\{(\\w+)\\}/g,function(_,k){if(!a[k])ok=false;return encodeURIComponent(a[k]||'')});if(ok)add(d.api+u,'fetch',true)})}` +
    `if(window.requestAnimationFrame)requestAnimationFrame(function(){setTimeout(run,0)});else setTimeout(run,0)` +
    `}(${data});`;
}

export class FirstLoadPreloadPlugin {
  constructor(
    private readonly html: typeof HtmlWebpackPlugin,
    private readonly options: { firstPage: string; publicPath: string; apiBase: string; requests?: Record<string, string[]> },
  ) {}

  apply(compiler: CompilerLike) {
    compiler.hooks.compilation.tap(NAME, (compilation) => {
      this.html.getHooks(compilation).alterAssetTagGroups.tapAsync(NAME, (data, cb) => {
        const chunks = pageChunkFiles(compilation.chunkGroups, this.options.publicPath);
        const script = preloadScript(this.options.firstPage, chunks, this.options.requests ?? FIRST_REQUESTS, this.options.apiBase);
        data.headTags.unshift({ tagName: 'script', voidTag: false, attributes: {}, innerHTML: script, meta: { plugin: NAME } });
        cb(null, data);
      });
    });
  }
}
