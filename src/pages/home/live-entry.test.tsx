import { QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, ok, renderWithClient } from '@/test/render';
import { summary } from '@/services/live/test-data';
import { LiveEntry } from './live-entry';

describe("the home page's 直播 entry", () => {
  it('asks nothing before the page has painted, then one session; on air it opens that room', async () => {
    const calls = mockApi({ 'GET /api/live/sessions': () => ok({ items: [summary()], nextCursor: 'x' }) });
    const { rerender, client } = renderWithClient(<LiveEntry ready={false} />);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(0);
    rerender(
      <QueryClientProvider client={client}>
        <LiveEntry ready />
      </QueryClientProvider>,
    );
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
    renderWithClient(<LiveEntry ready />);
    const entry = await screen.findByTestId('home-live');
    expect(entry.textContent).toContain('开播');
    fireEvent.click(entry);
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/live/index' });
  });

  it('shows nothing when no session is on or coming, or when the request fails', async () => {
    const calls = mockApi({ 'GET /api/live/sessions': () => ok({ items: [], nextCursor: null }) });
    const { unmount } = renderWithClient(<LiveEntry ready />);
    await waitFor(() => expect(calls).toHaveLength(1));
    expect(screen.queryByTestId('home-live')).toBeNull();
    unmount();
    const failing = mockApi({});
    renderWithClient(<LiveEntry ready />);
    await waitFor(() => expect(failing).toHaveLength(1));
    expect(screen.queryByTestId('home-live')).toBeNull();
  });
});
