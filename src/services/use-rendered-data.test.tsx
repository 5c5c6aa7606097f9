import { act, render } from '@testing-library/react';
import { useRenderedData } from './use-rendered-data';

describe('useRenderedData', () => {
  it('renders a new answer first as the data before it (catching up), then as itself', async () => {
    const seen: { data: string | undefined; catchingUp: boolean }[] = [];
    function Probe({ data }: { data: string | undefined }) {
      seen.push(useRenderedData(data));
      return null;
    }
    const { rerender } = render(<Probe data={undefined} />);
    expect(seen).toEqual([{ data: undefined, catchingUp: false }]);
    seen.length = 0;
    await act(async () => {
      rerender(<Probe data="answer" />);
    });
    expect(seen[0]).toEqual({ data: undefined, catchingUp: true });
    expect(seen[seen.length - 1]).toEqual({ data: 'answer', catchingUp: false });
  });
});
