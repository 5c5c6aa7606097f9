import { screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { renderWithClient } from '@/test/render';
import type * as DeferredH5 from './deferred.h5';

// The poster's module cannot be fetched (offline: webpack's ChunkLoadError).
jest.mock('./index', () => {
  throw new Error('ChunkLoadError: Loading chunk 77 failed');
});

/** H5's deferred poster when its module cannot be fetched: told, and the sheet closes. */
it('says so and closes', async () => {
  const { DeferredPosterSheet } = jest.requireActual<typeof DeferredH5>('./deferred.h5');
  const onClose = jest.fn();
  const props = { page: 'pages/product/index' as const, scene: 'id=p_1', content: { title: '纯棉T恤', price: 5900, sharer: '小明' }, image: '/images/p_1.svg' };
  renderWithClient(<DeferredPosterSheet {...props} open onClose={onClose} />);
  await waitFor(() => expect(onClose).toHaveBeenCalled());
  expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '网络不可用，请检查网络后重试' }));
  expect(screen.queryByTestId('poster-sheet')).toBeNull();
});
