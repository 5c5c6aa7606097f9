import { render, screen } from '@testing-library/react';
import type * as DeferredH5 from './deferred.h5';

/** H5's deferred share sheet: nothing until opened, then the sheet once its module is in. */
it('shows nothing until opened, then the share sheet', async () => {
  const { DeferredShareSheet } = jest.requireActual<typeof DeferredH5>('./deferred.h5');
  const props = { onClose: () => undefined, path: '/pages/product/index?id=p_1', preparing: false };
  const { rerender } = render(<DeferredShareSheet {...props} open={false} />);
  await new Promise((r) => setTimeout(r, 20));
  expect(screen.queryByTestId('share-sheet')).toBeNull();
  rerender(<DeferredShareSheet {...props} open />);
  expect(await screen.findByTestId('share-sheet')).toBeTruthy();
});
