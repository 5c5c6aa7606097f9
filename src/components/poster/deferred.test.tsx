import { QueryClientProvider } from '@tanstack/react-query';
import { screen } from '@testing-library/react';
import { mockApi, ok, renderWithClient } from '@/test/render';
import type * as DeferredH5 from './deferred.h5';

/** H5's deferred poster: fetched on the first open (deferred-offline.test.tsx: a fetch that fails). */
const props = { page: 'pages/product/index' as const, scene: 'id=p_1', content: { title: '纯棉T恤', price: 5900, sharer: '小明' }, image: '/images/p_1.svg' };

it('shows nothing until opened, then the poster sheet once its module is in', async () => {
  mockApi({ 'POST /api/share/code': () => ok({ image: 'data:image/png;base64,iVBORw0KGgo=' }) });
  const { DeferredPosterSheet } = jest.requireActual<typeof DeferredH5>('./deferred.h5');
  const { rerender, client } = renderWithClient(<DeferredPosterSheet {...props} open={false} onClose={() => undefined} />);
  expect(screen.queryByTestId('poster-sheet')).toBeNull();
  rerender(
    <QueryClientProvider client={client}>
      <DeferredPosterSheet {...props} open onClose={() => undefined} />
    </QueryClientProvider>,
  );
  expect(await screen.findByTestId('poster-sheet')).toBeTruthy();
});
