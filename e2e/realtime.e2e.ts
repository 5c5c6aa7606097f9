/**
 * Realtime pushes on H5 (docs/realtime.md): the browser's one socket to GET /api/realtime
 * authenticates and subscribes to the shopper's topic; a payment confirmed at the channel and an
 * order shipped by the merchant reach the open page through the socket.
 *
 * How polling is taken out: once the page shows its first state, the HTTP route the page would
 * poll (GET /api/payments/:id, GET /api/orders/:id) is aborted in the browser with page.route, and
 * every answer that route ever gave is recorded. The page turning 支付成功 / 待收货 while no HTTP
 * answer ever carried that status proves the push did it. No test switch in the client.
 *
 * The fallback: with the socket refused (page.routeWebSocket closes it), the result page still
 * turns 支付成功 by polling.
 */
import type { ParentOrder, Payment } from '@contract';
import type { Page, WebSocket } from 'playwright-core';
import { eventually, type ApiClient } from './support/api';
import { useShop, scenario } from './support/fixture';
import { loginOnPage, pickSku, route, waitForRoute } from './support/shop';

const shop = useShop('realtime');

interface Frame {
  op: string;
  type?: string;
  topic?: string;
  version?: number;
  data?: Record<string, unknown>;
}

/** Every realtime socket the page opens and the frames it sends and receives. */
function watchSockets(page: Page) {
  const sockets: { ws: WebSocket; received: Frame[]; sent: Frame[]; closed: boolean }[] = [];
  page.on('websocket', (ws) => {
    if (!new URL(ws.url()).pathname.endsWith('/api/realtime')) return;
    const entry = { ws, received: [] as Frame[], sent: [] as Frame[], closed: false };
    sockets.push(entry);
    const parse = (payload: string | Buffer) => JSON.parse(typeof payload === 'string' ? payload : payload.toString('utf8')) as Frame;
    ws.on('framereceived', (f) => entry.received.push(parse(f.payload)));
    ws.on('framesent', (f) => entry.sent.push(parse(f.payload)));
    ws.on('close', () => (entry.closed = true));
  });
  const received = () => sockets.flatMap((s) => s.received);
  return {
    sockets,
    received,
    /** Waits until an open socket has had `subscribed` for the user's topic: pushes arrive now. */
    async live(timeoutMs = 20_000) {
      const found = await eventually(
        async () => sockets.some((s) => !s.closed && s.received.some((f) => f.op === 'subscribed')),
        (ok) => ok,
        timeoutMs,
      );
      if (!found) throw new Error(`no live realtime subscription; sockets: ${JSON.stringify(sockets.map((s) => ({ url: s.ws.url(), closed: s.closed, sent: s.sent.map((f) => f.op), received: s.received })))}`);
    },
    async event(type: string, match: (data: Record<string, unknown>) => boolean, timeoutMs = 20_000) {
      const find = () => received().find((f) => f.op === 'event' && f.type === type && match(f.data ?? {}));
      const found = await eventually(async () => find(), (f) => f !== undefined, timeoutMs);
      if (!found) throw new Error(`no ${type} event arrived; received: ${JSON.stringify(received())}`);
      return found;
    },
  };
}

/**
 * Watches a GET route the page polls: records the JSON body of every answer it gives, and
 * `block()` aborts every request to it from then on (counted).
 */
function watchRoute(page: Page, pathname: string) {
  const answers: unknown[] = [];
  let aborted = 0;
  page.on('response', (res) => {
    if (new URL(res.url()).pathname !== pathname || res.request().method() !== 'GET') return;
    void res.json().then(
      (body: unknown) => answers.push(body),
      () => answers.push(null),
    );
  });
  return {
    answers,
    aborted: () => aborted,
    block: () =>
      page.route(
        (url) => url.pathname === pathname,
        (r) => {
          aborted++;
          return r.abort('internetdisconnected');
        },
      ),
  };
}

/** A pickup order of one unit and a sandbox-channel payment for it, made through the API. */
async function orderAndPayment(api: ApiClient, token: string, phone: string): Promise<{ parent: ParentOrder; payment: Payment; paymentNo: string }> {
  const list = await api.call('listProducts', { query: { sort: 'sales', limit: 10 } });
  let skuId: string | null = null;
  for (const item of list.items) {
    const sku = pickSku(await api.call('getProduct', { params: { id: item.id } }), 3);
    if (sku) {
      skuId = sku.id;
      break;
    }
  }
  if (!skuId) throw new Error('no best seller has a SKU with stock');
  // A delivery order: the merchant ships it (a pickup order is handed over by its code instead).
  const address = await api.call(
    'createAddress',
    { body: { name: '钱七', phone, province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道 100 号', isDefault: true } },
    { token },
  );
  const parent = await api.call('createOrder', { body: { items: [{ skuId, quantity: 1 }], fulfilment: { type: 'delivery', addressId: address.id } } }, { token });
  const payment = await api.call('createPayment', { body: { orderId: parent.id, channel: 'sandbox', scene: 'h5' } }, { token });
  if (payment.clientParams?.kind !== 'sandbox') throw new Error(`expected a sandbox payment, got ${JSON.stringify(payment.clientParams)}`);
  return { parent, payment, paymentNo: payment.clientParams.paymentNo };
}

/** The channel confirms the payment (the sandbox sends its signed notification to the server). */
async function confirmAtChannel(baseUrl: string, paymentNo: string): Promise<void> {
  const res = await fetch(`${baseUrl}/sandbox/pay/${encodeURIComponent(paymentNo)}/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: '{}',
  });
  const body = (await res.json()) as { outcome?: string; delivered?: boolean };
  if (!res.ok || body.outcome !== 'SUCCESS' || !body.delivered) throw new Error(`the sandbox did not confirm ${paymentNo}: ${res.status} ${JSON.stringify(body)}`);
}

async function resultView(page: Page): Promise<string | null> {
  const card = page.locator('.taro_page[id^="/pages/checkout/result"]').filter({ visible: true }).last().getByTestId('pay-result');
  return (await card.count()) > 0 ? card.first().getAttribute('data-view') : null;
}

test('payment result: 支付成功 arrives through the socket while the polled route is blocked', () =>
  scenario(shop, async ({ page, api, server, shot }) => {
    const PHONE = '13800138021';
    const rt = watchSockets(page);
    await route(page, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(page, api, PHONE);
    // Signed in: the client opened its socket, authenticated and subscribed.
    await rt.live();
    const first = rt.sockets[0];
    expect(first.sent[0]).toEqual({ op: 'auth', token });
    const ready = first.received.find((f) => f.op === 'ready') as Frame & { userId: string };
    expect(ready.userId).toMatch(/^u_/);
    expect(first.sent[1]).toMatchObject({ op: 'sub', topic: `user:${ready.userId}` });

    const { parent, payment, paymentNo } = await orderAndPayment(api, token, PHONE);
    const polled = watchRoute(page, `/api/payments/${payment.id}`);
    const result = await route(page, server.baseUrl, `/pages/checkout/result?paymentId=${payment.id}&orderId=${parent.id}`);
    await result.locator('[data-testid="pay-result"][data-view="waiting"]').waitFor();
    await rt.live();
    await shot('result-waiting');

    // Polling off: every request for the payment from here on is aborted.
    await polled.block();
    await confirmAtChannel(server.baseUrl, paymentNo);

    const pushed = await rt.event('payment.succeeded', (d) => d.paymentId === payment.id);
    expect(pushed.topic).toBe(`user:${ready.userId}`);
    await result.locator('[data-testid="pay-result"][data-view="paid"]').waitFor({ timeout: 15_000 });
    await waitForRoute(page, '/pages/checkout/result');
    expect(await resultView(page)).toBe('paid');
    // No HTTP answer for the payment ever said it was paid: the page had it from the push (and
    // the refetch the push asked for was blocked like every poll).
    expect(await eventually(async () => polled.aborted(), (n) => n > 0, 10_000)).toBeGreaterThan(0);
    expect(polled.answers.length).toBeGreaterThan(0);
    expect(polled.answers.map((a) => (a as Payment | null)?.status)).not.toContain('paid');
    await shot('result-paid-pushed');
    const serverSide = await api.call('getPayment', { params: { id: payment.id } }, { token });
    expect(serverSide.status).toBe('paid');

    // The order detail: shipped by the merchant while the order's route is blocked.
    const child = parent.children[0];
    const orderPolls = watchRoute(page, `/api/orders/${child.id}`);
    const detail = await route(page, server.baseUrl, `/pages/orders/detail?id=${child.id}`);
    const status = detail.locator('.detail-head__status').filter({ visible: true }).first();
    await status.filter({ hasText: '待发货' }).waitFor();
    await rt.live();
    await orderPolls.block();
    const shipped = await fetch(`${server.baseUrl}/sandbox/orders/${child.id}/ship`, { method: 'POST' });
    expect(shipped.status).toBe(200);
    await rt.event('order.shipped', (d) => d.orderId === child.id);
    await status.filter({ hasText: '待收货' }).waitFor({ timeout: 15_000 });
    expect(orderPolls.answers.length).toBeGreaterThan(0);
    expect(orderPolls.answers.map((a) => (a as { status?: string } | null)?.status)).not.toContain('shipped');
    await shot('detail-shipped-pushed');

    // The pushes arrived in version order on one topic.
    const versions = rt.received().filter((f) => f.op === 'event').map((f) => f.version ?? 0);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  }));

test('without the socket the result page still turns 支付成功 by polling', () =>
  scenario(shop, async ({ api, server, shot }) => {
    const page = await shop().freshPage();
    // Every realtime socket is refused: the page never has a live subscription.
    let refused = 0;
    await page.routeWebSocket(/\/api\/realtime$/, (ws) => {
      refused++;
      void ws.close({ code: 1011, reason: 'unavailable in this test' });
    });
    const rt = watchSockets(page);
    const PHONE = '13800138022';
    await route(page, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(page, api, PHONE);
    await eventually(async () => refused, (n) => n > 0, 10_000);
    expect(refused).toBeGreaterThan(0);

    const { parent, payment, paymentNo } = await orderAndPayment(api, token, PHONE);
    const result = await route(page, server.baseUrl, `/pages/checkout/result?paymentId=${payment.id}&orderId=${parent.id}`);
    await result.locator('[data-testid="pay-result"][data-view="waiting"]').waitFor();
    await confirmAtChannel(server.baseUrl, paymentNo);
    await result.locator('[data-testid="pay-result"][data-view="paid"]').waitFor({ timeout: 20_000 });
    await shot('result-paid-polled');
    expect(rt.received().filter((f) => f.op === 'event')).toEqual([]);
  }));
