import { fireEvent, screen, waitFor, within } from '@testing-library/react';
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
import ReferralHub from './referral';
import ReferralApplicationsPage from './referral-applications';
import ReferralReportPage from './referral-report';
import ReferralRulesPage from './referral-rules';
import {
  afterSaleRequest, auditEntry, commissionReport, counts, figures, orderDetail, orderRow, product, referralApplication, referralMe, referralRules, staffMember, stockAlert, workplace,
} from './test-data';

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
  [`GET ${M}/referral/rules`]: () => ok(referralRules()),
  [`GET ${M}/referral/report`]: () => ok(commissionReport({ days: [{ day: '2026-12-07', paid: 12_345, reversed: 2_345, commissions: 9 }] })),
  [`GET ${M}/referral/applications`]: () => ok({ items: [referralApplication()], nextCursor: null }),
  'GET /api/referral/me': () => ok(referralMe()),
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
  ['referral', ReferralHub, { merchantId: 'm_1' }, 'ref-status'],
  ['referral-rules', ReferralRulesPage, { merchantId: 'm_1' }, 'ref-terms'],
  ['referral-applications', ReferralApplicationsPage, { merchantId: 'm_1' }, 'ref-app'],
  ['referral-report', ReferralReportPage, { merchantId: 'm_1' }, 'ref-report-total'],
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

describe('the referral pages offline', () => {
  it('rules: a save tried offline says so and keeps what was typed; once back, the same save goes through once', async () => {
    const posted: { body: unknown; key: string }[] = [];
    const net = switchableApi({
      ...ROUTES,
      [`POST ${M}/referral/rules`]: (req) => {
        posted.push({ body: req.body, key: req.header?.['Idempotency-Key'] ?? '' });
        return ok({ ...referralRules(), ...(req.body as object), version: 4, createdAt: Date.now() });
      },
    });
    renderWithClient(<ReferralRulesPage />);
    await screen.findByTestId('ref-terms');
    fireEvent.change(screen.getByTestId('ref-amount-default-1'), { target: { value: '12' } });
    net.off();
    fireEvent.click(screen.getByTestId('ref-save'));
    expect((await screen.findByTestId('ref-problems')).textContent).toContain('网络不可用');
    expect((screen.getByTestId('ref-amount-default-1') as HTMLInputElement).value).toBe('12');
    expect(posted).toHaveLength(0);
    net.on();
    fireEvent.click(screen.getByTestId('ref-save'));
    await waitFor(() => expect(screen.getByTestId('ref-version').textContent).toContain('第 4 版'));
    expect(posted).toHaveLength(1);
    expect((posted[0].body as { amounts: number[] }).amounts).toEqual([1_200, 500]);
  });

  it('hub: the month\'s figures failing offline leave the rules on screen', async () => {
    const net = switchableApi(ROUTES);
    const { client } = renderWithClient(<ReferralHub />);
    await screen.findByTestId('ref-month');
    net.off();
    await refetchAll(client);
    expect(screen.getByTestId('ref-status')).toBeTruthy();
    expect(screen.getByTestId('ref-month')).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('当前网络不可用，显示的内容可能不是最新的');
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
