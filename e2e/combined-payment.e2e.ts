/**
 * Combined payments on H5, as a shopper does them: stored balance, points and a gift card at
 * the shop's cashier, the remainder with Alipay wap pay (the channel sandbox's hosted cashier,
 * Alipay's wire format, signed return and notification).
 *
 * 1. Cancelled at Alipay: the payment closes (TRADE_CLOSED), the result page says so and that
 *    the tenders went back; the wallet and the gift card hold what they held before, and the
 *    order can be paid again.
 * 2. Paid: live split and remainder on the cashier -> Alipay -> 支付成功 with the tenders
 *    listed; the order is paid; the me page shows the lower balance and points.
 * 3. That order's money back from its detail page through after-sales (申请售后, 仅退款, approved
 *    at once by the rules since it has not shipped): the request shows 退款成功 with the refund,
 *    the order lists it (已退款); balance and points grew by their shares of it.
 *
 * The cancel runs first on purpose: it holds and releases the ¥50 demo gift card, which the
 * paid scenario then spends (a card that was not really released would fail it). Each scenario
 * has its own shopper (a new shopper gets ¥200 balance and 5000 points).
 */
import type { Payment, Wallet } from '@contract';
import type { ProductDetail, Sku } from '@contract/catalog';
import { formatPrice } from '@contract/money';
import type { Locator, Page } from 'playwright-core';
import { type ApiClient, eventually } from './support/api';
import { type ShopFixture, useShop, scenario } from './support/fixture';
import {
  atCashier,
  atChannelCashier,
  byText,
  chooseSpecs,
  choosePickup,
  fillByPlaceholder,
  goToCart,
  loginOnPage,
  route,
  submitAtCashier,
  waitForRoute,
} from './support/shop';

const shop = useShop('combined-payment');

const CARD = { number: '8888000000000050', pin: '123456', value: 5000, last4: '0050' };
const CARD_CREDENTIAL = { number: CARD.number, pin: CARD.pin };
const WELCOME = { balance: 20000, points: 5000 };
/** 100 points = ¥1, at most 50 % of the amount. */
const POINTS_FEN = WELCOME.points;
/** What the internal tenders can cover at most; the order must cost more so Alipay gets a remainder. */
const INTERNAL_MAX = POINTS_FEN + CARD.value + WELCOME.balance;

/** Whitespace-free text, so "¥ 269 .90" spread over spans reads as "¥269.90". */
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, '');

/** An on-shelf product with distinct spec values and a SKU over ¥300 with stock to spare. */
async function chooseProduct(api: ApiClient): Promise<{ product: ProductDetail; sku: Sku }> {
  let cursor: string | undefined;
  for (let page = 0; page < 5; page += 1) {
    const list = await api.call('listProducts', { query: { limit: 20, cursor } });
    for (const summary of list.items) {
      const product = await api.call('getProduct', { params: { id: summary.id } });
      if (!product.onShelf || product.specs.length === 0) continue;
      const values = product.specs.flatMap((s) => s.values);
      if (new Set(values).size !== values.length) continue;
      const sku = product.skus.find(
        (s) => s.stock >= 3 && s.price > INTERNAL_MAX + 5000 && s.price < 300000 && s.specValues.length === product.specs.length,
      );
      if (sku) return { product, sku };
    }
    if (!list.nextCursor) break;
    cursor = list.nextCursor;
  }
  throw new Error(`no product with a SKU between ¥${(INTERNAL_MAX + 5000) / 100} and ¥3000 in stock`);
}

/**
 * Product page -> SKU -> 加入购物车 -> cart -> 结算 -> store pickup -> 提交订单 -> the cashier.
 * Returns the cashier and the child order the server created.
 */
async function checkOutToCashier(f: ShopFixture, token: string, pick: { product: ProductDetail; sku: Sku }, phone: string) {
  const { page, api, server, shot } = f;
  const detail = await route(page, server.baseUrl, `/pages/product/index?id=${encodeURIComponent(pick.product.id)}`);
  await byText(detail, pick.product.title).waitFor();
  await chooseSpecs(detail, pick.sku.specValues);
  await byText(detail, '加入购物车').click();
  await byText(page, '已加入购物车').waitFor();
  const cart = await goToCart(page);
  await cart.locator('.cart-line').filter({ hasText: pick.product.title }).first().waitFor();
  await shot('cart');
  await byText(cart, /^结算/).click();
  const checkout = await waitForRoute(page, '/pages/checkout/index');
  const submit = await choosePickup(checkout, { name: '陈七', phone });
  await shot('checkout');
  await submit.click();
  const cashier = await atCashier(page);
  const orders = await eventually(
    () => api.call('listOrders', { query: { status: 'pending_payment' } }, { token }),
    (o) => o.items.length === 1,
  );
  expect(orders.items).toHaveLength(1);
  const order = orders.items[0];
  return { cashier, order };
}

/** The texts of the cashier's split rows (支付明细), e.g. ["余额支付-¥200.00", "还需支付¥269.90"]. */
async function splitRows(cashier: Locator): Promise<string[]> {
  return (await cashier.locator('[data-testid="split"] .cashier__row').allTextContents()).map(squash);
}

async function waitForSplit(cashier: Locator, expected: string[]): Promise<void> {
  const seen = await eventually(() => splitRows(cashier), (rows) => JSON.stringify(rows) === JSON.stringify(expected), 10_000);
  expect(seen).toEqual(expected);
}

/** Flips one tender's switch on the cashier (balance or points) and waits until it shows on. */
async function switchOn(cashier: Locator, testId: 'tender-balance' | 'tender-points'): Promise<void> {
  const input = cashier.locator(`[data-testid="${testId}"] taro-switch-core input`).filter({ visible: true }).first();
  await input.click();
  await eventually(() => input.isChecked(), (on) => on, 5_000);
  expect(await input.isChecked()).toBe(true);
}

async function addGiftCard(cashier: Locator): Promise<void> {
  // The number field must leave room to read 16 digits beside the PIN and 添加 (Taro's H5 button
  // is width: 100 % by default and once squeezed the field to nothing).
  const field = cashier.locator('.cashier__input:not(.cashier__input--pin)').first();
  const box = await field.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThanOrEqual(120);
  await fillByPlaceholder(cashier, '请输入 16 位卡号', CARD.number);
  await fillByPlaceholder(cashier, '6 位密码', CARD.pin);
  await byText(cashier, '添加').click();
  await cashier.locator('[data-testid="gift-card"]').filter({ hasText: CARD.last4, visible: true }).first().waitFor();
}

/**
 * Turns on balance and points and adds the ¥50 card, checking the live split after each step
 * (points first up to the cap, then gift cards, then balance; the rest is the remainder).
 */
async function useEveryTender(cashier: Locator, due: number, shot: (s: string) => Promise<unknown>): Promise<number> {
  const remainder = due - INTERNAL_MAX;
  await waitForSplit(cashier, [`还需支付${formatPrice(due)}`]);
  await switchOn(cashier, 'tender-balance');
  await waitForSplit(cashier, [`余额支付${formatPrice(-WELCOME.balance)}`, `还需支付${formatPrice(due - WELCOME.balance)}`]);
  await switchOn(cashier, 'tender-points');
  await waitForSplit(cashier, [
    `积分抵扣（${WELCOME.points}积分）${formatPrice(-POINTS_FEN)}`,
    `余额支付${formatPrice(-WELCOME.balance)}`,
    `还需支付${formatPrice(due - WELCOME.balance - POINTS_FEN)}`,
  ]);
  await addGiftCard(cashier);
  await waitForSplit(cashier, [
    `积分抵扣（${WELCOME.points}积分）${formatPrice(-POINTS_FEN)}`,
    `礼品卡************${CARD.last4}${formatPrice(-CARD.value)}`,
    `余额支付${formatPrice(-WELCOME.balance)}`,
    `还需支付${formatPrice(remainder)}`,
  ]);
  await shot('cashier-split');
  return remainder;
}

async function wallet(api: ApiClient, token: string): Promise<Wallet> {
  return api.call('getWallet', {}, { token });
}

/** The me page's wallet card: balance and points as the shopper reads them. */
async function walletOnMePage(page: Page, baseUrl: string, expected: { balance: number; points: number }): Promise<void> {
  const me = await route(page, baseUrl, '/pages/me/index');
  const card = me.locator('[data-testid="wallet"]').filter({ visible: true }).first();
  const want = `${formatPrice(expected.balance)}余额${expected.points}积分`;
  const seen = await eventually(async () => squash(await card.textContent().catch(() => '')), (t) => t === want, 15_000);
  expect(seen).toBe(want);
}

function paymentIdFrom(page: Page): string {
  const query = new URL(page.url()).hash.split('?')[1] ?? '';
  const id = new URLSearchParams(query).get('paymentId');
  if (!id) throw new Error(`no paymentId in ${page.url()}`);
  return id;
}

/** What scenario 2 leaves for scenario 3: the paid order and its shopper. */
let paid: { token: string; orderId: string; payable: number; payment: Payment } | null = null;

test('cancelled at Alipay: the payment closes, balance, points and the gift card come back, the order can be paid again', () =>
  scenario(shop, async (f) => {
    const { page, api, server, shot } = f;
    const phone = '13800138021';
    const pick = await chooseProduct(api);

    await route(page, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(page, api, phone);
    expect(await wallet(api, token)).toMatchObject(WELCOME);

    const { cashier, order } = await checkOutToCashier(f, token, pick, phone);
    const due = order.amounts.payableAmount;
    expect(squash(await cashier.locator('[data-testid="cashier-due"]').textContent())).toBe(formatPrice(due));
    const remainder = await useEveryTender(cashier, due, shot);
    expect(await submitAtCashier(cashier, '支付宝')).toBe(`确认支付 ${formatPrice(remainder)}`);

    // At Alipay's cashier the internal tenders are held: the wallet and the card are empty.
    await atChannelCashier(page);
    expect(squash(await page.locator('.amount').first().textContent())).toBe(formatPrice(remainder));
    await shot('alipay-cashier');
    expect(await wallet(api, token)).toMatchObject({ balance: 0, points: 0 });
    expect((await api.call('verifyGiftCard', { body: CARD_CREDENTIAL }, { token })).balance).toBe(0);
    await page.locator('#sandbox-pay-cancel').click();

    // Back in the shop: closed, tenders returned.
    const result = await waitForRoute(page, '/pages/checkout/result', 30_000);
    await byText(result, '支付已关闭').waitFor({ timeout: 30_000 });
    await byText(result, /使用的余额、积分和礼品卡已退回/).waitFor();
    await shot('result-closed');
    const payment = await api.call('getPayment', { params: { id: paymentIdFrom(page) } }, { token });
    expect(payment).toMatchObject({ status: 'closed', channel: 'alipay', channelAmount: remainder });

    expect(await wallet(api, token)).toMatchObject(WELCOME);
    expect((await api.call('verifyGiftCard', { body: CARD_CREDENTIAL }, { token })).balance).toBe(CARD.value);
    expect((await api.call('getOrder', { params: { id: order.id } }, { token })).status).toBe('pending_payment');
    await walletOnMePage(page, server.baseUrl, WELCOME);
    await shot('me-wallet-restored');

    // Pay again (balance and points; the card is left for the next scenario).
    const again = await route(page, server.baseUrl, `/pages/checkout/cashier?orderId=${encodeURIComponent(order.id)}`);
    await atCashier(page);
    await switchOn(again, 'tender-balance');
    await switchOn(again, 'tender-points');
    const rest = due - WELCOME.balance - POINTS_FEN;
    await waitForSplit(again, [`积分抵扣（${WELCOME.points}积分）${formatPrice(-POINTS_FEN)}`, `余额支付${formatPrice(-WELCOME.balance)}`, `还需支付${formatPrice(rest)}`]);
    expect(await submitAtCashier(again, '支付宝')).toBe(`确认支付 ${formatPrice(rest)}`);
    await atChannelCashier(page);
    await page.locator('#sandbox-pay-confirm').click();
    const paidAgain = await waitForRoute(page, '/pages/checkout/result', 30_000);
    await byText(paidAgain, '支付成功').waitFor({ timeout: 60_000 });
    await shot('paid-again');
    expect(await api.call('getOrder', { params: { id: order.id } }, { token })).toMatchObject({ status: 'paid', paidAmount: due });
    expect(await wallet(api, token)).toMatchObject({ balance: 0, points: 0 });
  }));

test('balance, points and the ¥50 gift card with the remainder by Alipay: 支付成功, the order paid, the wallet lower', () =>
  scenario(shop, async (f) => {
    const { api, server, shot } = f;
    const phone = '13800138022';
    const pick = await chooseProduct(api);
    await f.freshPage();
    const p = f.page;

    await route(p, server.baseUrl, '/pages/login/index');
    const token = await loginOnPage(p, api, phone);
    await walletOnMePage(p, server.baseUrl, WELCOME);
    await shot('me-wallet-before');

    const { cashier, order } = await checkOutToCashier(f, token, pick, phone);
    const due = order.amounts.payableAmount;
    await byText(cashier, `可用 ${formatPrice(WELCOME.balance)}`).waitFor();
    await byText(cashier, `共 ${WELCOME.points} 积分，可抵 ${formatPrice(POINTS_FEN)}`).waitFor();
    const remainder = await useEveryTender(cashier, due, shot);
    expect(await submitAtCashier(cashier, '支付宝')).toBe(`确认支付 ${formatPrice(remainder)}`);

    await atChannelCashier(p);
    await shot('alipay-cashier');
    await p.locator('#sandbox-pay-confirm').click();

    const result = await waitForRoute(p, '/pages/checkout/result', 30_000);
    await byText(result, '支付成功').waitFor({ timeout: 60_000 });
    const tenders = result.locator('[data-testid="pay-tenders"] .pay-result__tender');
    const rows = (await tenders.allTextContents()).map(squash).sort();
    expect(rows).toEqual(
      [
        `积分（${WELCOME.points}积分）${formatPrice(POINTS_FEN)}`,
        `礼品卡************${CARD.last4}${formatPrice(CARD.value)}`,
        `余额${formatPrice(WELCOME.balance)}`,
        `支付宝${formatPrice(remainder)}`,
      ].sort(),
    );
    await shot('result-paid');

    const payment = await api.call('getPayment', { params: { id: paymentIdFrom(p) } }, { token });
    expect(payment).toMatchObject({ status: 'paid', amount: due, channel: 'alipay', channelAmount: remainder });
    const after = await api.call('getOrder', { params: { id: order.id } }, { token });
    expect(after).toMatchObject({ status: 'paid', paidAmount: due, refundedAmount: 0 });
    expect(await wallet(api, token)).toMatchObject({ balance: 0, points: 0 });
    expect((await api.call('verifyGiftCard', { body: CARD_CREDENTIAL }, { token })).balance).toBe(0);

    // The order's page says paid; the me page shows the wallet spent.
    const detail = await route(p, server.baseUrl, `/pages/orders/detail?id=${encodeURIComponent(order.id)}`);
    await detail.locator('.detail-head__status', { hasText: '待发货' }).waitFor();
    await shot('order-paid');
    await walletOnMePage(p, server.baseUrl, { balance: 0, points: 0 });
    await shot('me-wallet-after');

    paid = { token, orderId: order.id, payable: due, payment };
  }));

test('money back from the order page through 申请售后: 退款成功, 已退款 with the refunded amount, balance and points grew by their shares', () =>
  scenario(shop, async (f) => {
    if (!paid) throw new Error('this scenario refunds the order the previous scenario paid, and that scenario did not finish');
    const { api, server, shot } = f;
    const p = f.page;
    const { token, orderId } = paid;
    /** The whole order: a refund only of an unshipped order, in full. */
    const REFUND_FEN = paid.payable;

    const detail = await route(p, server.baseUrl, `/pages/orders/detail?id=${encodeURIComponent(orderId)}`);
    const refunds = detail.locator('[data-testid="refunds"]').filter({ visible: true }).first();
    await refunds.waitFor();
    expect(squash(await refunds.textContent())).toContain(`已付金额${formatPrice(paid.payable)}`);
    // Money back goes through after-sales: 申请售后 -> 仅退款 (an unshipped order) -> the rules
    // approve it at once and the refund runs; the request's page shows 退款成功 and the refund.
    await byText(refunds, '申请售后').click();
    const apply = await waitForRoute(p, '/pages/aftersale/apply');
    await apply.locator('[data-testid="kind-refund_only"][aria-checked="true"]').waitFor();
    expect(await apply.getByTestId('kind-return_refund').getAttribute('aria-disabled')).toBe('true');
    await byText(apply, '不想要了').click();
    await fillByPlaceholder(apply, '选填，补充描述有助于商家更快处理（500 字以内）', '尺码不合适');
    await apply.getByTestId('estimate').filter({ hasText: formatPrice(REFUND_FEN) }).waitFor();
    await shot('refund-form');
    await apply.locator('.as-bar__submit').click();
    const request = await waitForRoute(p, '/pages/aftersale/detail', 30_000);
    await request.locator('[data-testid="as-status"]', { hasText: '退款成功' }).waitFor({ timeout: 30_000 });
    await request.locator('[data-testid="refund-status"]', { hasText: '已退款' }).waitFor({ timeout: 30_000 });
    expect(squash(await request.getByTestId('as-refund').textContent())).toContain(formatPrice(REFUND_FEN));

    // The order's page lists the refund, done.
    await route(p, server.baseUrl, `/pages/orders/detail?id=${encodeURIComponent(orderId)}`);
    const item = () => p.locator('.taro_page').filter({ visible: true }).last().locator('[data-testid="refund-item"]').first();
    await item().waitFor({ timeout: 20_000 });
    const status = squash(await item().textContent());
    expect(status).toContain(formatPrice(REFUND_FEN));
    expect(status).toContain('已退款');
    const shown = p.locator('.taro_page').filter({ visible: true }).last().locator('[data-testid="refunds"]');
    await shown.getByText('已退款', { exact: true }).first().waitFor();
    expect(squash(await shown.textContent())).toContain(`已退款${formatPrice(REFUND_FEN)}`);
    await shot('refund-done');

    // The server agrees, and the internal shares went back to the wallet.
    const list = await api.call('listRefunds', { params: { id: orderId } }, { token });
    expect(list.items).toHaveLength(1);
    const [refund] = list.items;
    expect(refund).toMatchObject({ amount: REFUND_FEN, status: 'succeeded' });
    expect(refund.parts.reduce((s, part) => s + part.amount, 0)).toBe(REFUND_FEN);
    expect(list.refundableAmount).toBe(paid.payable - REFUND_FEN);
    const share = (kind: string) => refund.parts.filter((part) => part.kind === kind);
    const balanceBack = share('balance').reduce((s, part) => s + part.amount, 0);
    const pointsBack = share('points').reduce((s, part) => s + (part.points ?? 0), 0);
    expect(balanceBack).toBeGreaterThan(0);
    expect(share('channel').reduce((s, part) => s + part.amount, 0)).toBeGreaterThan(0);
    expect(await api.call('getOrder', { params: { id: orderId } }, { token })).toMatchObject({ refundedAmount: REFUND_FEN });
    expect(await wallet(api, token)).toMatchObject({ balance: balanceBack, points: pointsBack });
    const cardBack = share('gift_card').reduce((s, part) => s + part.amount, 0);
    expect((await api.call('verifyGiftCard', { body: CARD_CREDENTIAL }, { token })).balance).toBe(cardBack);

    await walletOnMePage(p, server.baseUrl, { balance: balanceBack, points: pointsBack });
    await shot('me-wallet-refunded');
  }));
