/**
 * The shopping loop, as a shopper does it on a phone: browse the home feed, open a product,
 * pick a SKU, add to cart as a guest, check out -> log in with phone + one-time code (the
 * guest cart merges), check out from the cart, add a delivery address, submit, pay at the
 * cashier with Alipay (the channel sandbox's hosted page), see 支付成功, open the order and see it paid. Then cross-check the server:
 * the order is paid and the SKU's stock went down by exactly the ordered quantity.
 */
import type { ProductDetail, Sku } from '@contract/catalog';
import { eventually } from './support/api';
import { useShop, scenario } from './support/fixture';
import {
  atCashier,
  atChannelCashier,
  byText,
  chooseRegion,
  chooseSpecs,
  enabledSubmit,
  fillByPlaceholder,
  loginOnPage,
  goToCart,
  pickSku,
  sessionToken,
  submitAtCashier,
  waitForRoute,
} from './support/shop';

const shop = useShop('shopping-loop');
const PHONE = '13800138001';
const QUANTITY = 2;
const ADDRESS_DETAIL = '文三路 90 号 1 幢 101 室';

/** A product on the first page of the home feed with specs and a SKU that has stock to spare. */
async function chooseProduct(api: ReturnType<typeof shop>['api']): Promise<{ product: ProductDetail; sku: Sku }> {
  const feed = await api.call('listProducts', { query: { limit: 10 } });
  for (const summary of feed.items) {
    const product = await api.call('getProduct', { params: { id: summary.id } });
    if (!product.onShelf || product.specs.length === 0) continue;
    // Spec values must be tappable by their own text: skip products whose values repeat across specs.
    const values = product.specs.flatMap((s) => s.values);
    if (new Set(values).size !== values.length) continue;
    const sku = pickSku(product, QUANTITY + 3);
    if (sku) return { product, sku };
  }
  throw new Error('the first page of the home feed has no product with specs and a SKU in stock');
}

test('browse, pick a SKU, add to cart, log in, check out with a new address, pay in the sandbox, see the order paid', () =>
  scenario(shop, async ({ page, api, shot }) => {
    const { product, sku } = await chooseProduct(api);
    const stockBefore = sku.stock;

    // Home: banner, categories and the product feed.
    await page.goto('/');
    const home = await waitForRoute(page, '/pages/home/index');
    await byText(home, '为你推荐').waitFor();
    const card = home.locator('.product-card').filter({ hasText: product.title }).first();
    await card.waitFor();
    await shot('home');

    // Infinite scroll: reaching the bottom of the feed loads the next page of products.
    const cards = home.locator('.product-card');
    const firstPage = await cards.count();
    expect(firstPage).toBeGreaterThan(0);
    await eventually(
      async () => {
        await page.mouse.wheel(0, 4000);
        return cards.count();
      },
      (n) => n > firstPage,
    );
    expect(await cards.count()).toBeGreaterThan(firstPage);
    await shot('home-feed-next-page');
    await card.scrollIntoViewIfNeeded();

    // Product detail.
    await card.click();
    const detail = await waitForRoute(page, '/pages/product/index');
    expect(page.url()).toContain(`id=${product.id}`);
    await byText(detail, product.title).waitFor();
    await shot('product');

    // The SKU picker: every spec value of the chosen SKU, then the quantity.
    await chooseSpecs(detail, sku.specValues);
    await byText(detail, `已选：${sku.specValues.join(' / ')}`).waitFor();
    // With the other specs chosen, exactly the values of the last spec that lead to no SKU in
    // stock are disabled (sold out).
    const last = product.specs.length - 1;
    const soldOut = product.specs[last].values.filter((value) => {
      const match = product.skus.find((s) => s.specValues.every((v, i) => (i === last ? v === value : v === sku.specValues[i])));
      return !match || match.stock === 0;
    });
    const lastGroup = detail.locator('.product__spec').nth(last);
    await expect(lastGroup.locator('.product__spec-value--disabled').allTextContents()).resolves.toEqual(soldOut);
    await byText(detail, `库存 ${sku.stock} 件`).waitFor();
    for (let q = 1; q < QUANTITY; q += 1) await detail.locator('[aria-label="增加"]').filter({ visible: true }).first().click();
    await detail.locator('.stepper__value', { hasText: String(QUANTITY) }).filter({ visible: true }).first().waitFor();
    await shot('sku-picked');
    await byText(detail, '加入购物车').click();
    await byText(page, '已加入购物车').waitFor();
    await shot('added-to-cart');

    // Guest cart (a local draft priced by the server).
    let cart = await goToCart(page);
    await cart.locator('.cart-line').filter({ hasText: product.title }).first().waitFor();
    await shot('guest-cart');

    // Check out as a guest -> the login page.
    await byText(cart, /^结算/).click();
    await waitForRoute(page, '/pages/login/index');
    await shot('login');
    const token = await loginOnPage(page, api, PHONE, shot);

    // The guest cart merged into the account's cart on the server.
    const serverCart = await eventually(() => api.call('getCart', {}, { token }), (c) => c.lines.length > 0);
    expect(serverCart.lines).toEqual([expect.objectContaining({ skuId: sku.id, quantity: QUANTITY })]);

    // Back to the cart, now the server cart; check out.
    cart = await waitForRoute(page, '/pages/cart/index');
    await cart.locator('.cart-line').filter({ hasText: product.title }).first().waitFor();
    await shot('cart-after-login');
    await byText(cart, /^结算/).click();
    let checkout = await waitForRoute(page, '/pages/checkout/index');
    await byText(checkout, product.title).waitFor();
    await shot('checkout');

    // No address yet: choose one -> add a new one -> it is this order's address at once.
    await byText(checkout, '快递配送').click();
    await byText(checkout, '选择地址').click();
    const list = await waitForRoute(page, '/pages/checkout/address-list');
    await byText(list, '新增收货地址').click();
    const form = await waitForRoute(page, '/pages/checkout/address-edit');
    await fillByPlaceholder(form, '请输入收货人姓名', '张三');
    await fillByPlaceholder(form, '请输入手机号', PHONE);
    await chooseRegion(page, form, ['浙江省', '杭州市', '西湖区']);
    await fillByPlaceholder(form, '街道、楼牌号等', ADDRESS_DETAIL);
    await shot('address-form');
    await byText(form, '保存').click();
    checkout = await waitForRoute(page, '/pages/checkout/index');
    await byText(checkout, new RegExp(ADDRESS_DETAIL)).waitFor();
    const submit = await enabledSubmit(checkout);
    await shot('checkout-with-address');

    // Submit -> the shop's cashier (no wallet tenders) -> Alipay's hosted cashier in the sandbox.
    await submit.click();
    const cashier = await atCashier(page);
    await shot('cashier');
    expect(await submitAtCashier(cashier, '支付宝')).toMatch(/^确认支付 ¥/);
    await atChannelCashier(page);
    await shot('alipay-cashier');
    await page.locator('#sandbox-pay-confirm').click();

    // Back in the shop: the result page polls the payment until the server says paid.
    const result = await waitForRoute(page, '/pages/checkout/result', 30_000);
    await byText(result, '支付成功').waitFor({ timeout: 60_000 });
    await shot('payment-result');

    // The order list, then the order's detail, both showing it paid (待发货).
    await byText(result, '查看订单').click();
    await page.waitForURL((url) => /\/pages\/orders\/(index|detail)/.test(url.hash));
    if (new URL(page.url()).hash.includes('/pages/orders/index')) {
      const orders = await waitForRoute(page, '/pages/orders/index');
      const orderCard = orders.locator('.order-card').filter({ hasText: product.title }).first();
      await orderCard.locator('.order-card__status', { hasText: '待发货' }).waitFor();
      await shot('orders');
      await orderCard.getByText('查看详情', { exact: true }).click();
    }
    const orderPage = await waitForRoute(page, '/pages/orders/detail');
    await orderPage.locator('.detail-head__status', { hasText: '待发货' }).waitFor();
    await byText(orderPage, product.title).waitFor();
    await shot('order-detail');

    // The server agrees: one child order, paid, with the chosen SKU and quantity; the token is
    // the one the client keeps in local storage.
    expect(await sessionToken(page)).toBe(token);
    const orders = await api.call('listOrders', { query: { status: 'all' } }, { token });
    expect(orders.items).toHaveLength(1);
    const order = await api.call('getOrder', { params: { id: orders.items[0].id } }, { token });
    expect(order.status).toBe('paid');
    expect(order.paidAt).not.toBeNull();
    expect(order.fulfilment.type).toBe('delivery');
    expect(order.shipTo).toContain(ADDRESS_DETAIL);
    expect(order.lines).toEqual([expect.objectContaining({ skuId: sku.id, quantity: QUANTITY, unitPrice: sku.price })]);
    expect(order.amounts.itemsAmount).toBe(sku.price * QUANTITY);

    // Stock went down by exactly the ordered quantity, and the ordered line left the cart.
    const after = await api.call('getProduct', { params: { id: product.id } });
    expect(after.skus.find((s) => s.id === sku.id)?.stock).toBe(stockBefore - QUANTITY);
    const cartAfter = await api.call('getCart', {}, { token });
    expect(cartAfter.lines.find((l) => l.skuId === sku.id)).toBeUndefined();
  }));
