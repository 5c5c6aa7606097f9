import { onlineManager } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { ApiError } from '@/services/http';
import { asciiBase64 } from './icon/svg';
import { Check, Empty, Icon, icons, LineItem, OfflineBanner, PageState, Price, Stepper } from '.';

describe('Price', () => {
  it('shows ¥ with two decimals from fen', () => {
    const { container, rerender } = render(<Price fen={12345} />);
    expect(container.textContent).toBe('¥123.45');
    rerender(<Price fen={5} size="lg" />);
    expect(container.textContent).toBe('¥0.05');
    rerender(<Price fen={-5} strike />);
    expect(container.textContent).toBe('-¥0.05');
    expect(container.firstElementChild?.className).toContain('price--strike');
  });
});

describe('Stepper', () => {
  it('never leaves [min, max]', () => {
    const onChange = jest.fn();
    const { rerender } = render(<Stepper value={1} min={1} max={2} onChange={onChange} />);
    fireEvent.click(screen.getByLabelText('减少'));
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.click(screen.getByLabelText('增加'));
    expect(onChange).toHaveBeenLastCalledWith(2);
    rerender(<Stepper value={2} min={1} max={2} onChange={onChange} />);
    fireEvent.click(screen.getByLabelText('增加'));
    expect(onChange).toHaveBeenCalledTimes(1);
    rerender(<Stepper value={2} min={1} max={5} onChange={onChange} disabled />);
    fireEvent.click(screen.getByLabelText('增加'));
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});

describe('PageState', () => {
  const base = { isLoading: false, isError: false, onRetry: jest.fn() };
  it('renders skeleton, error with retry, offline, empty, then content', () => {
    const { rerender } = render(<PageState {...base} isLoading>内容</PageState>);
    expect(screen.getByTestId('skeleton')).toBeTruthy();
    rerender(<PageState {...base} isError error={new ApiError({ code: 'NOT_FOUND', status: 404 })}>内容</PageState>);
    expect(screen.getByText('内容不存在或已删除')).toBeTruthy();
    fireEvent.click(screen.getByText('重试'));
    expect(base.onRetry).toHaveBeenCalled();
    rerender(<PageState {...base} isError error={new ApiError({ code: 'NETWORK', status: 0 })}>内容</PageState>);
    expect(screen.getByText('网络不可用，请检查网络设置')).toBeTruthy();
    rerender(<PageState {...base} isEmpty emptyText="空的">内容</PageState>);
    expect(screen.getByText('空的')).toBeTruthy();
    rerender(<PageState {...base}>内容</PageState>);
    expect(screen.getByText('内容')).toBeTruthy();
  });
});

describe('LineItem', () => {
  it('resolves the image against the API and greys a disabled line', () => {
    const { container } = render(<LineItem image="/images/a.svg" title="杯子" specText="白色" unitPrice={990} quantity={2} disabled note="已下架" />);
    expect(container.querySelector('img')?.getAttribute('src')).toBe('/images/a.svg');
    expect(container.firstElementChild?.className).toContain('line-item--disabled');
    expect(container.textContent).toContain('¥9.90');
    expect(container.textContent).toContain('×2');
    expect(container.textContent).toContain('已下架');
  });
});

describe('OfflineBanner', () => {
  it('shows only while react-query considers the device offline', () => {
    render(<OfflineBanner />);
    expect(screen.queryByRole('status')).toBeNull();
    act(() => onlineManager.setOnline(false));
    expect(screen.getByRole('status').textContent).toBe('当前网络不可用，显示的内容可能不是最新的');
    act(() => onlineManager.setOnline(true));
    expect(screen.queryByRole('status')).toBeNull();
  });
});

describe('Icon', () => {
  it('paints a Lucide SVG and hands it to <Image> as a base64 data URI', () => {
    const { container } = render(<Icon svg={icons.Search} color="#e4393c" size={40} />);
    const src = container.querySelector('img')?.getAttribute('src') ?? '';
    expect(src).toMatch(/^data:image\/svg\+xml;base64,/);
    const svg = Buffer.from(src.split(',')[1], 'base64').toString('utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('stroke="#e4393c"');
    expect(svg).not.toContain('currentColor');
  });

  it('encodes base64 as btoa does (mini-programs have no btoa)', () => {
    for (const text of ['', 'a', 'ab', 'abc', 'abcd', '<svg stroke="#333"/>']) expect(asciiBase64(text)).toBe(Buffer.from(text).toString('base64'));
  });
});

describe('Empty and Check', () => {
  it('an empty state shows an icon, not a blank box', () => {
    const { container } = render(<Empty text="购物车还是空的" icon={icons.ShoppingCart} />);
    expect(container.querySelector('.empty__icon img')?.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
  });

  it('a check and its label are one tap target; a disabled one ignores taps', () => {
    const onChange = jest.fn();
    const { rerender } = render(<Check checked={false} label="全选" onChange={onChange} />);
    fireEvent.click(screen.getByText('全选'));
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('checkbox', { name: '全选' }).getAttribute('aria-checked')).toBe('false');
    rerender(<Check checked disabled label="全选" onChange={onChange} />);
    fireEvent.click(screen.getByText('全选'));
    expect(onChange).toHaveBeenCalledTimes(1);
  });
});
