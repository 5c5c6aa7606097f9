import { fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { renderWithClient } from '@/test/render';
import type * as SendH5 from './send.h5';
import { ShareSheet } from '.';

/** The share sheet: the host's share button on the mini-programs, a copied link of the hash route on H5. */
const PATH = '/pages/product/index?id=p_1&rt=ProdToken0123456789a';

it("mini-programs: 发送给好友 is the host's share button; 生成海报 opens the poster", () => {
  const onPoster = jest.fn();
  const onClose = jest.fn();
  renderWithClient(<ShareSheet open onClose={onClose} path={PATH} preparing={false} onPoster={onPoster} />);
  const send = screen.getByTestId('share-send');
  expect(send.getAttribute('data-taro')).toBe('Button');
  expect(send.textContent).toBe('发送给好友');
  fireEvent.click(screen.getByTestId('share-poster'));
  expect(onPoster).toHaveBeenCalled();
  fireEvent.click(screen.getByText('取消'));
  expect(onClose).toHaveBeenCalled();
});

describe('H5', () => {
  const { SendAction } = jest.requireActual<typeof SendH5>('./send.h5');

  it('copies a link that survives the hash router: the token in the route query', async () => {
    const onDone = jest.fn();
    renderWithClient(<SendAction path={PATH} preparing={false} onDone={onDone} />);
    fireEvent.click(screen.getByTestId('share-copy'));
    await waitFor(() => expect(Taro.setClipboardData).toHaveBeenCalledWith({ data: `http://localhost/#${PATH}` }));
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '链接已复制，粘贴发送给好友' }));
    expect(onDone).toHaveBeenCalled();
  });

  it('waits for the share link while it is being made', () => {
    renderWithClient(<SendAction path={PATH} preparing onDone={() => undefined} />);
    expect(screen.getByTestId('share-copy').textContent).toBe('正在准备分享…');
    fireEvent.click(screen.getByTestId('share-copy'));
    expect(Taro.setClipboardData).not.toHaveBeenCalled();
  });
});
