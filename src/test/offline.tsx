import { fireEvent, screen, within } from '@testing-library/react';
import type { ComponentType } from 'react';
import { refetchAll, renderWithClient, type Route, switchableApi } from './render';
import { taroMock } from './taro-mock';

/** A page to check offline: its router params and the test id of what it shows once loaded. */
export type OfflinePage = [name: string, Page: ComponentType, params: Record<string, string>, loaded: string];

const BANNER = '当前网络不可用，显示的内容可能不是最新的';

/**
 * How every page behaves offline, as the shop's pages do (decision 0014): opened offline, the
 * offline banner and 网络不可用 with 重试 (and 返回首页 where the page offers home), never an
 * empty list or a blank page, then the page once the network is back; already shown, it stays on
 * screen under the banner when a refetch fails. Call inside a describe.
 */
export function offlinePageTests(pages: OfflinePage[], routes: Record<string, Route>, { home }: { home: boolean }) {
  it.each(pages)('%s opened offline: the banner and 网络不可用 with 重试, then the page once back online', async (_name, Page, params, loaded) => {
    taroMock.setRouterParams(params);
    const net = switchableApi(routes);
    net.startOffline();
    renderWithClient(<Page />);
    const error = await screen.findByTestId('page-error');
    expect(error.getAttribute('data-kind')).toBe('offline');
    expect(within(error).getByText('网络不可用')).toBeTruthy();
    expect(within(error).queryByText('返回首页') !== null).toBe(home);
    expect(screen.getByRole('status').textContent).toBe(BANNER);
    expect(screen.queryByTestId('skeleton')).toBeNull();
    net.on();
    fireEvent.click(within(error).getByText('重试'));
    expect((await screen.findAllByTestId(loaded)).length).toBeGreaterThan(0);
    expect(screen.queryByTestId('page-error')).toBeNull();
    expect(screen.queryByRole('status')).toBeNull();
  });

  it.each(pages)('%s already shown stays on screen, under the banner, when a refetch fails offline', async (_name, Page, params, loaded) => {
    taroMock.setRouterParams(params);
    const net = switchableApi(routes);
    const { client } = renderWithClient(<Page />);
    await screen.findAllByTestId(loaded);
    net.off();
    await refetchAll(client);
    expect(screen.getAllByTestId(loaded).length).toBeGreaterThan(0);
    expect(screen.queryByTestId('page-error')).toBeNull();
    expect(screen.getByRole('status').textContent).toBe(BANNER);
  });
}
