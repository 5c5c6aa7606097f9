import { testNodes, type TestNodes } from '../test/app';

/**
 * Two API nodes (separate apps, separate connection pools) on one database: idempotency,
 * sessions and the one-default rule hold across nodes, because all their state is in the
 * database.
 */
let cluster: TestNodes;
let nodes: TestNodes['nodes'];
beforeAll(async () => {
  cluster = await testNodes();
  ({ nodes } = cluster);
});
afterAll(() => cluster.close());

async function call(node: number, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${nodes[node].base}${url}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
}

async function login(): Promise<string> {
  const phone = `137${String(Date.now()).slice(-8)}`;
  await call(0, 'POST', '/api/auth/otp', { phone });
  const sms = await call(0, 'GET', `/sandbox/sms/latest?phone=${phone}`);
  // Log in on the other node: the code lives in the shared database.
  const res = await call(1, 'POST', '/api/auth/login/phone', { phone, code: sms.body?.code });
  expect(res.status).toBe(200);
  return String(res.body?.token);
}

const address = { name: '赵六', phone: '13800138000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园 1 号' };

it('a session from one node works on the other', async () => {
  const token = await login();
  expect((await call(0, 'GET', '/api/me', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
  expect((await call(1, 'GET', '/api/me', undefined, { authorization: `Bearer ${token}` })).status).toBe(200);
});

it('collapses duplicates of one Idempotency-Key sent to both nodes at once', async () => {
  const token = await login();
  const headers = { authorization: `Bearer ${token}`, 'idempotency-key': 'two-nodes-1' };
  const results = await Promise.all(Array.from({ length: 6 }, (_, i) => call(i % 2, 'POST', '/api/addresses', address, headers)));
  for (const r of results) expect(r.status).toBe(201);
  expect(new Set(results.map((r) => r.body?.id)).size).toBe(1);
  const list = await call(1, 'GET', '/api/addresses', undefined, { authorization: `Bearer ${token}` });
  expect((list.body?.items as unknown[]).length).toBe(1);
});

it('keeps one default address when both nodes create at once', async () => {
  const token = await login();
  const auth = { authorization: `Bearer ${token}` };
  const results = await Promise.all(Array.from({ length: 6 }, (_, i) => call(i % 2, 'POST', '/api/addresses', { ...address, isDefault: true }, auth)));
  for (const r of results) expect(r.status).toBe(201);
  const list = await call(0, 'GET', '/api/addresses', undefined, auth);
  const items = list.body?.items as { isDefault: boolean }[];
  expect(items).toHaveLength(6);
  expect(items.filter((a) => a.isDefault)).toHaveLength(1);
});
