import { fireEvent, screen, within } from '@testing-library/react';
import { keys } from '@/services/keys';
import { type OfflinePage, offlinePageTests } from '@/test/offline';
import { ok, refetchAll, renderWithClient, type Route, switchableApi, testQueryClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { useSession } from '@/stores/session';
import { useWorkbenchStore } from '@/stores/workbench';
import { session } from '@/test/fixtures';
import AfterSalePage from './after-sale';
import AfterSalesPage from './after-sales';
import AuditPage from './audit';
import WorkbenchHome from './index';
import JoinPage from './join';
import OrderPage from './order';
import OrdersPage from './orders';
import ProductsPage from './products';
import StaffPage from './staff';
import StockAlertsPage from './stock-alerts';
import { afterSaleRequest, auditEntry, counts, figures, orderDetail, orderRow, product, staffMember, stockAlert, workplace } from './test-data';

/**
 * The workbench offline, as the shop's pages are (decision 0014): the banner while the device is
 * offline; a page opened offline says 网络不可用 with 重试 (not an empty list, not a blank page);
 * what was already shown stays on screen when a refetch fails.
 */
const M = '/api/merchants/m_1';
const ROUTES: Record<string, Route> = {
  [`GET ${M}`]: () => ok(workplace()),
  [`GET ${M}/dashboard`]: () => ok(figures()),
  'GET /api/me/workplaces': () => ok({ items: [workplace()] }),
  [`GET ${M}/orders`]: () => ok({ items: [orderRow()], nextCursor: null, counts }),
  [`GET ${M}/orders/o_1`]: () => ok(orderDetail()),
  [`GET ${M}/after-sales`]: () => ok({ items: [afterSaleRequest()], nextCursor: null, counts: { requested: 1 } }),
  [`GET ${M}/after-sales/as_1`]: () => ok(afterSaleRequest()),
  [`GET ${M}/products`]: () => ok({ items: [product()], nextCursor: null }),
  [`GET ${M}/stock-alerts`]: () => ok({ items: [stockAlert()], nextCursor: null }),
  [`GET ${M}/staff`]: () => ok({ items: [staffMember()] }),
  [`GET ${M}/audit`]: () => ok({ items: [auditEntry()], nextCursor: null }),
};

/** Every page of the subpackage but its home (they offer no 返回首页: home is the shop). */
const PAGES: OfflinePage[] = [
  ['orders', OrdersPage, { merchantId: 'm_1' }, 'wb-order'],
  ['order', OrderPage, { merchantId: 'm_1', id: 'o_1' }, 'wb-order-status'],
  ['after-sales', AfterSalesPage, { merchantId: 'm_1' }, 'wb-after-sale'],
  ['after-sale', AfterSalePage, { merchantId: 'm_1', id: 'as_1' }, 'as-status'],
  ['products', ProductsPage, { merchantId: 'm_1' }, 'wb-product'],
  ['stock-alerts', StockAlertsPage, { merchantId: 'm_1' }, 'wb-alert'],
  ['staff', StaffPage, { merchantId: 'm_1' }, 'wb-staff'],
  ['audit', AuditPage, { merchantId: 'm_1' }, 'wb-audit'],
];

beforeEach(() => {
  useWorkbenchStore.setState({ merchantId: null });
  taroMock.setRouterParams({ merchantId: 'm_1' });
});

describe('the workbench offline', () => {
  offlinePageTests(PAGES, ROUTES, { home: false });
  // The workbench's home offers the shop's (besides its own 返回商城).
  offlinePageTests([['home', WorkbenchHome, { merchantId: 'm_1' }, 'wb-figures']], ROUTES, { home: true });

  it('orders: a search tried offline keeps the tabs and the search, says 网络不可用, and shows the rows again once back', async () => {
    const net = switchableApi(ROUTES);
    renderWithClient(<OrdersPage />);
    await screen.findByTestId('wb-order');
    net.off();
    fireEvent.change(screen.getByTestId('wb-order-search'), { target: { value: '纯棉' } });
    fireEvent.click(screen.getByTestId('wb-order-search-go'));
    const error = await screen.findByTestId('page-error');
    expect(error.getAttribute('data-kind')).toBe('offline');
    expect(screen.getAllByRole('tab')).toHaveLength(6);
    expect(screen.getByTestId('wb-order-search')).toBeTruthy();
    net.on();
    fireEvent.click(within(error).getByText('重试'));
    expect((await screen.findByTestId('wb-order')).textContent).toContain('纯棉T恤');
  });

  it('a page whose workplace is cached shows its own query\'s offline state', async () => {
    switchableApi(ROUTES).startOffline();
    const client = testQueryClient();
    client.setQueryData(keys.merchant.workplace('m_1'), workplace());
    renderWithClient(<OrdersPage />, client);
    expect((await screen.findByTestId('page-error')).getAttribute('data-kind')).toBe('offline');
    expect(screen.getAllByRole('tab')).toHaveLength(6);
  });

  it('home: a network failure does not forget the merchant chosen last (only a merchant that is gone is forgotten)', async () => {
    taroMock.setRouterParams({});
    useWorkbenchStore.setState({ merchantId: 'm_1' });
    const net = switchableApi(ROUTES);
    net.startOffline();
    renderWithClient(<WorkbenchHome />);
    expect((await screen.findByTestId('page-error')).getAttribute('data-kind')).toBe('offline');
    expect(useWorkbenchStore.getState().merchantId).toBe('m_1');
    net.on();
    fireEvent.click(screen.getByText('重试'));
    await screen.findByTestId('wb-figures');
  });
});

describe('joining a merchant offline', () => {
  const CODE = 'ABCD2345';
  const invite = { merchantId: 'm_1', merchantName: '山野小铺', merchantLogo: '/images/m_1.svg', role: 'operator' as const, expiresAt: Date.now() + 3_600_000, alreadyMember: false };
  const routes: Record<string, Route> = { [`GET /api/staff-invites/${CODE}`]: () => ok(invite) };

  beforeEach(() => {
    useSession.getState().setSession(session());
    taroMock.setRouterParams({ code: CODE });
  });

  offlinePageTests([['join', JoinPage, { code: CODE }, 'wb-join-preview']], routes, { home: false });

  it('a code typed offline: the invite is looked up once back, and a way to another code stays', async () => {
    taroMock.setRouterParams({});
    const net = switchableApi(routes);
    net.startOffline();
    renderWithClient(<JoinPage />);
    expect(screen.getByRole('status')).toBeTruthy();
    fireEvent.change(screen.getByTestId('wb-join-code'), { target: { value: CODE } });
    fireEvent.click(screen.getByTestId('wb-join-view'));
    const error = await screen.findByTestId('page-error');
    expect(error.getAttribute('data-kind')).toBe('offline');
    expect(screen.getByTestId('wb-join-another')).toBeTruthy();
    net.on();
    fireEvent.click(within(error).getByText('重试'));
    await screen.findByTestId('wb-join-preview');
  });

  it('an invite shown stays alone when a refetch fails offline (no failure beside it)', async () => {
    const net = switchableApi(routes);
    const { client } = renderWithClient(<JoinPage />);
    await screen.findByTestId('wb-join-preview');
    net.off();
    await refetchAll(client);
    expect(screen.getByTestId('wb-join-accept')).toBeTruthy();
    expect(screen.queryByTestId('wb-join-failed')).toBeNull();
  });

  it('signed out: the banner too, above the way to sign in', () => {
    useSession.getState().clear();
    switchableApi(routes).startOffline();
    renderWithClient(<JoinPage />);
    expect(screen.getByTestId('wb-join-login')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('当前网络不可用，显示的内容可能不是最新的');
  });
});
