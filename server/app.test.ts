import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { validate as validateOpenApi } from '@readme/openapi-parser';
import { buildRouteTableSource, openApiJsonText } from './infra/openapi';
import { routes } from '../contract/routes';
import { testApp, type TestApp } from './test/app';

describe('app', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp({ seed: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports health with the database dialect', async () => {
    const res = await t.get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', db: t.testDb.dialect });
  });

  it('serves the OpenAPI document with every contract route', async () => {
    const res = await t.get<{ openapi: string; paths: Record<string, Record<string, { operationId: string }>> }>('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const ops = Object.values(res.body.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.sort()).toEqual(Object.keys(routes).sort());
    expect(res.body.paths['/api/products/{id}'].get).toBeDefined();
  });

  it('serves an OpenAPI document that a validator accepts: the 3.1 schema, and every $ref resolves', async () => {
    const res = await t.get('/openapi.json');
    expect(res.status).toBe(200);
    // The validator dereferences in place: give it its own copy.
    const result = await validateOpenApi(structuredClone(res.body) as never);
    expect(result).toMatchObject({ valid: true, specification: 'OpenAPI' });
    // It does see a broken document (a dangling reference), so the check above can fail.
    const broken = structuredClone(res.body) as { components: { schemas: Record<string, unknown> } };
    delete broken.components.schemas.Problem;
    expect((await validateOpenApi(broken as never)).valid).toBe(false);
  });

  it('serves a self-contained docs page listing every route', async () => {
    const res = await fetch(`${t.baseUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const name of Object.keys(routes)) expect(html).toContain(`id="${name}"`);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/);
  });

  it('explains how to build the H5 app when it is missing', async () => {
    const bare = await testApp({ seed: false, env: { STATIC_DIR: path.join(os.tmpdir(), 'shop-no-such-h5-build') } });
    try {
      const res = await fetch(`${bare.baseUrl}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('npm run build:h5');
    } finally {
      await bare.close();
    }
  });

  it('keeps the generated contract files in step with the route table', () => {
    const dir = path.join(__dirname, '..', 'contract', 'generated');
    expect(readFileSync(path.join(dir, 'openapi.json'), 'utf8')).toBe(openApiJsonText());
    expect(readFileSync(path.join(dir, 'routes.ts'), 'utf8')).toBe(buildRouteTableSource());
  });
});

describe('app with a built H5 folder', () => {
  let dir: string;
  let t: TestApp;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'shop-h5-'));
    mkdirSync(path.join(dir, 'js'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>H5</title><div id="app"></div>');
    writeFileSync(path.join(dir, 'js', 'app.1234abcd.js'), 'console.log(1)');
    t = await testApp({ seed: false, env: { STATIC_DIR: dir } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html uncached and assets with a long cache', async () => {
    const index = await fetch(`${t.baseUrl}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<div id="app">');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${t.baseUrl}/js/app.1234abcd.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/max-age=31536000/);
  });

  it('still answers unknown API routes with problem+json', async () => {
    const res = await t.get('/api/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    expect((await fetch(`${t.baseUrl}/missing.js`)).status).toBe(404);
    expect((await t.get('/healthz')).status).toBe(200);
  });
});

/** A raw GET (fetch would add its own Accept-Encoding and decode the body). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('app serving a precompressed H5 build', () => {
  let dir: string;
  let t: TestApp;
  const script = `console.log(${JSON.stringify('小店 '.repeat(400))});`;
  const html = `<!doctype html><html lang="zh-CN"><title>H5</title><div id="app"></div>${'<p>x</p>'.repeat(200)}</html>`;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'shop-h5-compressed-'));
    mkdirSync(path.join(dir, 'js'));
    const write = (rel: string, text: string) => {
      writeFileSync(path.join(dir, rel), text);
      writeFileSync(path.join(dir, `${rel}.br`), zlib.brotliCompressSync(text));
      writeFileSync(path.join(dir, `${rel}.gz`), zlib.gzipSync(text));
    };
    write('index.html', html);
    write('js/app.1234abcd.js', script);
    // Too small to be worth compressing: the build writes no copies of it.
    writeFileSync(path.join(dir, 'js', '7.99aa88bb.js'), 'x()');
    t = await testApp({ seed: false, env: { STATIC_DIR: dir } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['br', 'br', (b: Buffer) => zlib.brotliDecompressSync(b)],
    ['gzip, deflate, br', 'br', (b: Buffer) => zlib.brotliDecompressSync(b)],
    ['gzip', 'gzip', (b: Buffer) => zlib.gunzipSync(b)],
    ['identity', undefined, (b: Buffer) => b],
    ['', undefined, (b: Buffer) => b],
  ])('sends a hashed script for Accept-Encoding "%s" as %s, cached for good', async (accept, encoding, decode) => {
    const res = await rawGet(`${t.baseUrl}/js/app.1234abcd.js`, accept ? { 'accept-encoding': accept } : {});
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe(encoding);
    expect(res.headers['content-type']).toMatch(/^(application|text)\/javascript/);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(decode(res.body).toString('utf8')).toBe(script);
    if (encoding) expect(res.body.length).toBeLessThan(Buffer.byteLength(script) / 4);
  });

  it.each([
    ['br', 'br', (b: Buffer) => zlib.brotliDecompressSync(b)],
    ['gzip', 'gzip', (b: Buffer) => zlib.gunzipSync(b)],
    ['', undefined, (b: Buffer) => b],
  ])('sends index.html for Accept-Encoding "%s" as %s, revalidated on every load', async (accept, encoding, decode) => {
    for (const url of [`${t.baseUrl}/`, `${t.baseUrl}/index.html`]) {
      const res = await rawGet(url, accept ? { 'accept-encoding': accept } : {});
      expect(res.status).toBe(200);
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(decode(res.body).toString('utf8')).toBe(html);
    }
  });

  it('falls back to the plain file when no compressed copy exists', async () => {
    const res = await rawGet(`${t.baseUrl}/js/7.99aa88bb.js`, { 'accept-encoding': 'br, gzip' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body.toString('utf8')).toBe('x()');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });
});

describe('unexpected failures', () => {
  it('answer 500 INTERNAL problem+json without leaking internals', async () => {
    const t = await testApp({ seed: false });
    try {
      await t.db.destroy(); // every query now fails inside the handler
      const res = await t.get('/api/categories');
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'INTERNAL', status: 500, type: 'https://shop.local/problems/internal' });
      expect(res.text).not.toMatch(/destroyed|kysely|sqlite|postgres|\bat\b .*\.ts/i);
      const health = await t.get('/healthz');
      expect(health.status).toBe(503);
      expect(health.body).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      // A mutating request that fails unexpectedly is not stored as answered.
      const login = await t.post('/api/auth/otp', { phone: '13900000000' }, { idempotencyKey: 'k-500' });
      expect(login.status).toBe(500);
    } finally {
      await t.close();
    }
  });
});

describe('CORS outside sandbox mode', () => {
  it('allows only the configured origins', async () => {
    const t = await testApp({ seed: false, env: { SANDBOX: 'off', CORS_ORIGINS: 'http://shop.test, http://h5.test' } });
    try {
      const ok = await t.get('/healthz', { headers: { origin: 'http://h5.test' } });
      expect(ok.headers['access-control-allow-origin']).toBe('http://h5.test');
      const other = await t.get('/healthz', { headers: { origin: 'http://evil.test' } });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await t.request('OPTIONS', '/api/addresses', { headers: { origin: 'http://evil.test', 'access-control-request-method': 'POST' } });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});
