import { QueryClientProvider } from '@tanstack/react-query';
import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { summary } from '@/services/live/test-data';
import { LIVE_ENTRY_WAIT_MS, LiveEntry, useHomeLive } from './live-entry';

/** The home page's use: the entry and whether the top may show, once home has answered. */
function Harness({ homeReady }: { homeReady: boolean }) {
  const live = useHomeLive(homeReady);
  return (
    <>
      <span data-testid="settled">{String(live.settled)}</span>
      {live.settled && <LiveEntry session={live.session} />}
    </>
  );
}

describe("the home page's 直播 entry", () => {
  it('asks for one session with the page; on air it opens that room', async () => {
    const calls = mockApi({ 'GET /api/live/sessions': () => ok({ items: [summary()], nextCursor: 'x' }) });
    renderWithClient(<Harness homeReady />);
    const entry = await screen.findByTestId('home-live');
    expect(calls.map((c) => c.query.get('limit'))).toEqual(['1']);
    expect(entry.textContent).toContain('直播');
    expect(entry.textContent).toContain('直播中');
    expect(entry.textContent).toContain('冬季好物直播');
    fireEvent.click(entry);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/live/room?id=ls_1' });
  });

  it('an upcoming session opens the list', async () => {
    mockApi({ 'GET /api/live/sessions': () => ok({ items: [summary({ status: 'scheduled', startsAt: Date.now() + 3600_000 })], nextCursor: null }) });
    renderWithClient(<Harness homeReady />);
    const entry = await screen.findByTestId('home-live');
    expect(entry.textContent).toContain('开播');
    fireEvent.click(entry);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/live/index' });
  });

  it('shows nothing when no session is on or coming, or when the request fails', async () => {
    const calls = mockApi({ 'GET /api/live/sessions': () => ok({ items: [], nextCursor: null }) });
    const { unmount } = renderWithClient(<Harness homeReady />);
    await waitFor(() => expect(calls).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId('settled').textContent).toBe('true'));
    expect(screen.queryByTestId('home-live')).toBeNull();
    unmount();
    const failing = mockApi({});
    renderWithClient(<Harness homeReady />);
    await waitFor(() => expect(failing).toHaveLength(1));
    await waitFor(() => expect(screen.getByTestId('settled').textContent).toBe('true'));
    expect(screen.queryByTestId('home-live')).toBeNull();
  });

  it("holds the page's top until the entry answers, at most a short wait after home", async () => {
    jest.useFakeTimers();
    try {
      let answer: (() => void) | undefined;
      mockApi({ 'GET /api/live/sessions': () => new Promise((resolve) => (answer = () => resolve(ok({ items: [summary()], nextCursor: null })))) });
      const { rerender, client } = renderWithClient(<Harness homeReady={false} />);
      // Home has not answered: no wait is running, the top stays held while the entry is out.
      await act(async () => {
        jest.advanceTimersByTime(LIVE_ENTRY_WAIT_MS * 3);
      });
      expect(screen.getByTestId('settled').textContent).toBe('false');
      rerender(
        <QueryClientProvider client={client}>
          <Harness homeReady />
        </QueryClientProvider>,
      );
      await act(async () => {
        jest.advanceTimersByTime(LIVE_ENTRY_WAIT_MS - 50);
      });
      expect(screen.getByTestId('settled').textContent).toBe('false');
      await act(async () => {
        jest.advanceTimersByTime(100);
      });
      // A slow entry does not hold the page longer; it appears when it comes.
      expect(screen.getByTestId('settled').textContent).toBe('true');
      expect(screen.queryByTestId('home-live')).toBeNull();
      expect(answer).toBeDefined();
      await act(async () => {
        answer?.();
        await Promise.resolve();
        jest.advanceTimersByTime(50);
      });
      await act(async () => {
        jest.advanceTimersByTime(50);
      });
      expect(screen.getByTestId('home-live')).toBeTruthy();
    } finally {
      jest.useRealTimers();
    }
  });
});
