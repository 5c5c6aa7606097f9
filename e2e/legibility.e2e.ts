/**
 * The action buttons of the shopping loop are readable while they are enabled: text contrast
 * at least 3:1 against what is behind it (WCAG AA for large text and UI components). On H5,
 * Taro renders `disabled={false}` as disabled="false" on taro-button-core, and Taro's own CSS
 * rule `taro-button-core[disabled] { color: rgba(255,255,255,.6) }` matches that too, so an
 * enabled button can end up with faint or invisible text. The product page's buttons are plain
 * <button>s on H5 (Press): there the other side is checked too, that a disabled one is
 * disabled in fact (announced so, no click) and still looks it.
 */
import { useShop, scenario } from './support/fixture';
import { legibilityChecks, measureLegibility } from './support/legibility';
import { ENABLED, atCashier, byText, chooseSpecs, goToCart, loginOnPage, openPickupCheckout, pickSku, route, waitForRoute } from './support/shop';

const shop = useShop('legibility');
const PHONE = '13800138005';

test('enabled action buttons are readable: 加入购物车, 结算, 提交订单, 添加, 确认支付, 取消订单, 去支付', () =>
  scenario(shop, async ({ page, api, server, shot }) => {
    const legible = legibilityChecks();
    const list = await api.call('listProducts', { query: { limit: 10 } });
    let chosen: { id: string; sku: NonNullable<ReturnType<typeof pickSku>> } | null = null;
    for (const item of list.items) {
      const product = await api.call('getProduct', { params: { id: item.id } });
      const sku = product.onShelf ? pickSku(product, 3) : null;
      if (sku) {
        chosen = { id: product.id, sku };
        break;
      }
    }
    if (!chosen) throw new Error('no product with stock on the first page');

    await route(page, server.baseUrl, '/pages/login/index');
    await loginOnPage(page, api, PHONE);

    // Product page, a full SKU chosen: 加入购物车 and 立即购买 are enabled.
    const detail = await route(page, server.baseUrl, `/pages/product/index?id=${chosen.id}`);
    await chooseSpecs(detail, chosen.sku.specValues);
    await legible.check(byText(detail, '加入购物车'), 'product page 加入购物车');
    await legible.check(byText(detail, '立即购买'), 'product page 立即购买');
    const enabledLook = { 加入购物车: await measureLegibility(byText(detail, '加入购物车')), 立即购买: await measureLegibility(byText(detail, '立即购买')) };
    await byText(detail, '加入购物车').click();
    await byText(page, '已加入购物车').waitFor();
    await shot('product');

    // Cart with a selected line: 结算(n) is enabled.
    const cart = await goToCart(page);
    await cart.locator('.cart-line').first().waitFor();
    await legible.check(byText(cart, /^结算/), 'cart 结算');
    await shot('cart');

    // Checkout, priced and submittable: 提交订单.
    const submit = await openPickupCheckout(page, server.baseUrl, chosen.sku.id, { name: '赵六', phone: PHONE });
    await legible.check(submit, 'checkout 提交订单');
    await shot('checkout');
    await submit.click();

    // The cashier: 添加 (a gift card) and 确认支付 ¥x are enabled.
    const cashier = await atCashier(page);
    await legible.check(byText(cashier, '添加'), 'cashier 添加');
    await legible.check(cashier.locator(`.cashier__submit${ENABLED}`).filter({ visible: true }).first(), 'cashier 确认支付');
    await shot('cashier');

    // A pending order in the list: 取消订单 and 去支付 (with the time left).
    const orders = await route(page, server.baseUrl, '/pages/orders/index?status=pending_payment');
    await waitForRoute(page, '/pages/orders/index');
    const card = orders.locator('.order-card').first();
    await card.waitFor();
    await legible.check(card.locator('.order-card__btn').filter({ hasText: /^取消订单$/ }), 'order list 取消订单');
    await legible.check(card.locator('.order-card__btn').filter({ hasText: /^去支付/ }), 'order list 去支付');
    await shot('orders');

    // Control: a button rendered without a disabled prop (查看详情) measures as readable, so
    // the check tells buttons apart rather than flagging everything.
    const control = await measureLegibility(card.locator('.order-card__btn').filter({ hasText: /^查看详情$/ }));
    expect(control.ratio).toBeGreaterThanOrEqual(3);

    // The other side, on an off-shelf product: 加入购物车 and 立即购买 are disabled for real (the
    // accessibility tree says so, a tap does nothing) and look it (another background, fainter
    // text than the same buttons enabled above).
    const off = await route(page, server.baseUrl, '/pages/product/index?id=p_0016');
    await off.locator('[data-testid="sku-stock"]').filter({ hasText: '已下架' }).first().waitFor();
    for (const name of ['加入购物车', '立即购买'] as const) {
      const button = off.getByRole('button', { name, exact: true, disabled: true }).filter({ visible: true });
      expect({ name, announcedDisabled: await button.count() }).toEqual({ name, announcedDisabled: 1 });
      expect(await button.isDisabled()).toBe(true);
      const look = await measureLegibility(button);
      expect(look.background).not.toBe(enabledLook[name].background);
      expect(look.ratio).toBeLessThan(enabledLook[name].ratio);
    }
    await shot('off-shelf product');

    expect(legible.problems).toEqual([]);
  }));
