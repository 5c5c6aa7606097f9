import type { LiveSession, LiveTopicEvent } from '@contract/live';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { t } from '@/i18n/messages';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import LiveRoom from './room';
import { liveSession } from '@/services/live/test-data';

// The topic's real client is another part's (src/services/live/topic.ts): here the test is the push.
let mockPush: ((event: LiveTopicEvent) => void) | null = null;
let mockPushUp = true;
jest.mock('@/services/live/topic', () => ({
  useLiveTopic: (_id: string | null, onEvent: (event: LiveTopicEvent) => void) => {
    mockPush = onEvent;
    return { live: mockPushUp };
  },
}));

/** An event from the topic, and the page re-rendered with it (react-query tells observers in a later task). */
const send = (event: LiveTopicEvent) =>
  act(async () => {
    mockPush?.(event);
    await new Promise((r) => setTimeout(r, 0));
  });
const at = () => Date.now();
const INCREASE = t('quantityIncrease');

function serve(session: LiveSession, extra: Parameters<typeof mockApi>[0] = {}) {
  return mockApi({ 'GET /api/live/sessions/ls_1': () => ok(session), ...extra });
}

beforeEach(() => {
  mockPush = null;
  mockPushUp = true;
  taroMock.setRouterParams({ id: 'ls_1' }, '/pages/live/room');
});

describe('the live room', () => {
  it('plays the stream under the overlay: title, merchant, viewers, likes and the pinned card with the session price', async () => {
    serve(liveSession());
    renderWithClient(<LiveRoom />);
    const card = await screen.findByTestId('live-pin');
    expect(screen.getByTestId('live-video').getAttribute('src')).toBe('/media/demo-live/index.m3u8');
    expect(screen.getAllByText('冬季好物直播').length).toBeGreaterThan(0);
    expect(screen.getByText('山野小铺')).toBeTruthy();
    expect(screen.getByTestId('live-viewers').textContent).toBe('1280 人在看');
    expect(screen.getByTestId('live-likes').textContent).toBe('5600');
    expect(card.textContent).toContain('讲解中');
    expect(card.textContent).toContain('羊绒围巾');
    expect(card.textContent).toContain('¥99.00');
    expect(card.textContent).toContain('¥199.00');
    // Both SKUs' stock left.
    expect(card.textContent).toContain('剩 17 件');
    expect(within(card).getByText('马上抢')).toBeTruthy();
  });

  it('the card follows live.pinned at once: gone on unpin, the new product on a pin (已抢光 when its quota is gone)', async () => {
    serve(liveSession());
    renderWithClient(<LiveRoom />);
    await screen.findByTestId('live-pin');
    await send({ type: 'live.pinned', data: { sessionId: 'ls_1', productId: null, at: at() } });
    expect(screen.queryByTestId('live-pin')).toBeNull();
    await send({ type: 'live.pinned', data: { sessionId: 'ls_1', productId: 'p_2', at: at() } });
    const card = screen.getByTestId('live-pin');
    expect(card.textContent).toContain('保温杯');
    expect(card.textContent).toContain('已抢光');
    expect((within(card).getByTestId('live-pin-buy') as HTMLButtonElement).disabled).toBe(true);
    // Another room's events change nothing.
    await send({ type: 'live.pinned', data: { sessionId: 'ls_9', productId: null, at: at() } });
    expect(screen.getByTestId('live-pin')).toBeTruthy();
  });

  it('stock left, viewers and status follow the topic', async () => {
    serve(liveSession());
    renderWithClient(<LiveRoom />);
    await screen.findByTestId('live-pin');
    await send({ type: 'live.lines', data: { sessionId: 'ls_1', at: at(), lines: [{ skuId: 'sku_1', price: 9900, quota: 50, left: 0 }, { skuId: 'sku_2', price: 10900, quota: 20, left: 0 }] } });
    expect(screen.getByTestId('live-pin').textContent).toContain('已抢光');
    await send({ type: 'live.stats', data: { sessionId: 'ls_1', viewers: 23456, likes: 7000, at: at() } });
    expect(screen.getByTestId('live-viewers').textContent).toBe('2.3万 人在看');
    expect(screen.getByTestId('live-likes').textContent).toBe('7000');
    await send({ type: 'live.status', data: { sessionId: 'ls_1', status: 'paused', at: at() } });
    expect(screen.getByTestId('live-paused').textContent).toBe('主播暂时离开，马上回来');
    expect(screen.queryByTestId('live-video')).toBeNull();
    await send({ type: 'live.status', data: { sessionId: 'ls_1', status: 'ended', at: at() } });
    expect(screen.getByTestId('live-ended').textContent).toContain('直播已结束');
    expect(screen.queryByTestId('live-pin')).toBeNull();
  });

  it("shows 'just bought' notices one at a time, briefly", async () => {
    serve(liveSession());
    renderWithClient(<LiveRoom />);
    await screen.findByTestId('live-pin');
    jest.useFakeTimers();
    try {
      act(() => mockPush?.({ type: 'live.bought', data: { sessionId: 'ls_1', buyer: '张**', title: '羊绒围巾', quantity: 1, at: at() } }));
      act(() => mockPush?.({ type: 'live.bought', data: { sessionId: 'ls_1', buyer: '李**', title: '保温杯', quantity: 2, at: at() } }));
      expect(screen.getAllByTestId('live-bought')).toHaveLength(1);
      expect(screen.getByTestId('live-bought').textContent).toBe('张** 刚刚买了 羊绒围巾');
      act(() => jest.advanceTimersByTime(2600));
      expect(screen.getByTestId('live-bought').textContent).toBe('李** 刚刚买了 保温杯 ×2');
      act(() => jest.advanceTimersByTime(2600));
      expect(screen.queryByTestId('live-bought')).toBeNull();
    } finally {
      jest.useRealTimers();
    }
  });

  it('likes count at once and go as one POST per second; a rate limit is quiet', async () => {
    let limited = false;
    const calls = serve(liveSession(), {
      'POST /api/live/sessions/ls_1/likes': (req) => (limited ? problem(429, 'RATE_LIMITED') : ok({ likes: 5600 + (req.body as { count: number }).count })),
    });
    renderWithClient(<LiveRoom />);
    await screen.findByTestId('live-pin');
    for (let i = 0; i < 3; i++) fireEvent.click(screen.getByTestId('live-like'));
    // On screen before anything is sent.
    await waitFor(() => expect(screen.getByTestId('live-likes').textContent).toBe('5603'));
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1), { timeout: 3000 });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ count: 3 });

    limited = true;
    fireEvent.click(screen.getByTestId('live-like'));
    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2), { timeout: 3000 });
    await act(() => new Promise((r) => setTimeout(r, 50)));
    expect(screen.getByTestId('live-likes').textContent).toBe('5604');
    expect(Taro.showToast).not.toHaveBeenCalled();
  });

  it('马上抢: a SKU and a quantity within the limit less what was bought, then the checkout with the session', async () => {
    serve(liveSession({ mine: { sku_1: 2 } }));
    renderWithClient(<LiveRoom />);
    fireEvent.click(within(await screen.findByTestId('live-pin')).getByText('马上抢'));
    const sheet = screen.getByTestId('live-buy');
    expect(sheet.textContent).toContain('每人限购 3 件，还可买 1 件');
    const skus = within(sheet).getAllByTestId('live-buy-sku');
    expect(skus.map((s) => s.textContent)).toEqual(['驼色', '灰色']);
    // Limit 3, 2 bought: one more of 驼色 at most.
    const value = () => sheet.querySelector('.stepper__value')?.textContent;
    fireEvent.click(within(sheet).getByLabelText(INCREASE));
    expect(value()).toBe('1');
    fireEvent.click(skus[1]);
    expect(sheet.textContent).toContain('还可买 3 件');
    fireEvent.click(within(sheet).getByLabelText(INCREASE));
    expect(value()).toBe('2');
    fireEvent.click(within(sheet).getByTestId('live-buy-confirm'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/checkout/index?items=sku_2%3A2&live=ls_1' });
  });

  it('the 商品 drawer lists every product with its session price, what is left and sold-out state', async () => {
    serve(liveSession());
    renderWithClient(<LiveRoom />);
    fireEvent.click(await screen.findByTestId('live-goods'));
    const rows = within(screen.getByTestId('live-drawer')).getAllByTestId('live-line');
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain('讲解中');
    expect(rows[0].textContent).toContain('¥99.00');
    expect(rows[0].textContent).toContain('剩 17 件');
    expect(rows[1].textContent).toContain('保温杯');
    expect(rows[1].textContent).toContain('已抢光');
    expect((within(rows[1]).getByTestId('live-line-buy') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(rows[0]).getByTestId('live-line-buy'));
    expect(screen.queryByTestId('live-drawer')).toBeNull();
    expect(screen.getByTestId('live-buy')).toBeTruthy();
  });

  it('a scheduled session shows its cover with the countdown to the start, and nothing to buy yet', async () => {
    const startsAt = Date.now() + (2 * 86_400 + 3 * 3600 + 4 * 60 + 5) * 1000;
    serve(liveSession({ status: 'scheduled', startsAt, startedAt: null, pinnedProductId: null }));
    // (A pin made before the start is shown, its button saying it opens at the start: see below.)
    renderWithClient(<LiveRoom />);
    const countdown = await screen.findByTestId('live-countdown');
    expect(countdown.textContent).toMatch(/^02天03时04分0[45]秒$/);
    expect(screen.queryByTestId('live-pin')).toBeNull();
    expect(screen.queryByTestId('live-video')).toBeNull();
    fireEvent.click(screen.getByTestId('live-goods'));
    expect(within(screen.getByTestId('live-drawer')).getAllByTestId('live-line-buy')[0].textContent).toBe('开播后可抢');
  });

  it('a product pinned before the start cannot be bought yet', async () => {
    serve(liveSession({ status: 'scheduled', startsAt: Date.now() + 3600_000, startedAt: null }));
    renderWithClient(<LiveRoom />);
    const buy = within(await screen.findByTestId('live-pin')).getByTestId('live-pin-buy') as HTMLButtonElement;
    expect(buy.textContent).toBe('开播后可抢');
    expect(buy.disabled).toBe(true);
  });

  it('an ended session keeps its lineup browsable', async () => {
    serve(liveSession({ status: 'ended', endedAt: Date.now(), pinnedProductId: null }));
    renderWithClient(<LiveRoom />);
    const ended = await screen.findByTestId('live-ended');
    expect(ended.textContent).toContain('直播已结束');
    fireEvent.click(within(ended).getByText('商品'));
    const rows = within(screen.getByTestId('live-drawer')).getAllByTestId('live-line');
    expect(rows).toHaveLength(2);
    expect((within(rows[0]).getByTestId('live-line-buy') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(within(rows[0]).getByText('羊绒围巾'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/product/index?id=p_1' });
  });

  it('a missing session says so', async () => {
    mockApi({ 'GET /api/live/sessions/ls_1': () => problem(404, 'NOT_FOUND') });
    renderWithClient(<LiveRoom />);
    expect(await screen.findByText('直播不存在或已下线')).toBeTruthy();
  });

  it("shares the room's page (a guest's share is the plain path; the timeline carries the session)", async () => {
    serve(liveSession());
    renderWithClient(<LiveRoom />);
    await screen.findByTestId('live-pin');
    expect(taroMock.share()).toMatchObject({ title: '冬季好物直播', path: '/pages/live/room?id=ls_1' });
    expect(taroMock.shareTimeline()).toMatchObject({ query: 'id=ls_1' });
  });
});
