import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_ANSWER_BYTES, channelFetch } from './http';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  remotePort: number;
}

let server: Server;
let base: string;
const seen: Seen[] = [];
let answer: (req: Seen, res: ServerResponse) => void = (_req, res) => res.end('ok');

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), remotePort: req.socket.remotePort ?? 0 };
      seen.push(s);
      answer(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen.length = 0;
  answer = (_req, res) => res.end('ok');
});

test('sends method, headers and body; answers status, headers and the whole text', async () => {
  answer = (_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json', 'x-sig': 'abc' });
    res.write('{"a":');
    res.end('"中文"}');
  };
  const res = await channelFetch(`${base}/v3/pay?x=1`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'T' }, body: '{"amount":5000,"d":"商城"}' });
  expect(res.status).toBe(201);
  expect(res.ok).toBe(true);
  expect(res.headers.get('X-Sig')).toBe('abc');
  expect(res.headers.get('missing')).toBeNull();
  const all: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    all[k] = v;
  });
  expect(all['x-sig']).toBe('abc');
  expect(await res.text()).toBe('{"a":"中文"}');
  expect(seen[0]).toMatchObject({ method: 'POST', url: '/v3/pay?x=1', body: '{"amount":5000,"d":"商城"}' });
  expect(seen[0].headers.authorization).toBe('T');
  expect(Number(seen[0].headers['content-length'])).toBe(Buffer.byteLength('{"amount":5000,"d":"商城"}'));
});

test('a GET without a body; a 4xx is not ok but still answered', async () => {
  answer = (_req, res) => {
    res.writeHead(404);
    res.end('{"code":"RESOURCE_NOT_EXISTS"}');
  };
  const res = await channelFetch(`${base}/v3/pay/transactions/out-trade-no/P1`, { method: 'GET', headers: { accept: 'application/json' } });
  expect(res.status).toBe(404);
  expect(res.ok).toBe(false);
  expect(await res.text()).toBe('{"code":"RESOURCE_NOT_EXISTS"}');
  expect(seen[0].method).toBe('GET');
  expect(seen[0].body).toBe('');
});

test('consecutive calls reuse one kept-alive connection', async () => {
  for (let i = 0; i < 3; i++) await (await channelFetch(`${base}/q`, { method: 'POST', headers: {}, body: String(i) })).text();
  expect(seen.map((s) => s.body)).toEqual(['0', '1', '2']);
  expect(new Set(seen.map((s) => s.remotePort)).size).toBe(1);
});

test('a deadline (AbortSignal.timeout) ends a channel that does not answer', async () => {
  answer = () => undefined; // never answers
  await expect(channelFetch(`${base}/slow`, { method: 'POST', headers: {}, body: '{}', signal: AbortSignal.timeout(100) })).rejects.toThrow();
});

test('an already aborted signal sends nothing', async () => {
  const ctrl = new AbortController();
  ctrl.abort(new Error('gone'));
  await expect(channelFetch(`${base}/x`, { method: 'POST', headers: {}, body: '{}', signal: ctrl.signal })).rejects.toThrow('gone');
  expect(seen).toHaveLength(0);
});

test('an answer larger than the limit is refused', async () => {
  answer = (_req, res) => {
    res.writeHead(200);
    res.end(Buffer.alloc(MAX_ANSWER_BYTES + 10, 'a'));
  };
  await expect(channelFetch(`${base}/big`, { method: 'GET', headers: {} })).rejects.toThrow(/larger than/);
});

test('a connection cut mid-answer is an error, not a short answer', async () => {
  answer = (_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('partial');
    setTimeout(() => res.socket?.destroy(), 20);
  };
  await expect(channelFetch(`${base}/cut`, { method: 'GET', headers: {} })).rejects.toThrow();
});

test('a refused connection and an unsupported protocol are errors', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  await expect(channelFetch(`http://127.0.0.1:${port}/`, { method: 'GET', headers: {} })).rejects.toThrow();
  await expect(channelFetch('ftp://127.0.0.1/x', { method: 'GET', headers: {} })).rejects.toThrow(/unsupported protocol/);
});
