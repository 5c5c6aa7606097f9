import { onlineManager } from '@tanstack/react-query';
import { act, fireEvent, render, screen } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { ApiError } from '@/services/http';
import { asciiBase64 } from './icon/svg';
import { Check, Empty, Icon, icons, LineItem, OfflineBanner, PageState, Picture, Price, ProductCard, Stepper } from '.';
import type * as PictureH5 from './picture/picture.h5';
import type * as PrimitivesH5 from './primitives/primitives.h5';

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

  it('keeps its taps from a tappable row around it (a cart line opens the product)', () => {
    const onChange = jest.fn();
    const openRow = jest.fn();
    render(
      <div onClick={openRow}>
        <Stepper value={2} min={1} max={2} onChange={onChange} />
      </div>,
    );
    fireEvent.click(screen.getByLabelText('减少'));
    fireEvent.click(screen.getByLabelText('增加'));
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(openRow).not.toHaveBeenCalled();
  });
});

describe('primitives on H5', () => {
  // The H5 file directly (jest resolves the mini-program one by default).
  const { Press, Tap } = jest.requireActual<typeof PrimitivesH5>('./primitives/primitives.h5');

  it('Press: a disabled button is disabled for real (no click, announced) and carries is-disabled; an enabled one has no disabled attribute', () => {
    const onClick = jest.fn();
    const { rerender } = render(
      <Press className="btn-primary" disabled onClick={onClick}>
        立即购买
      </Press>,
    );
    const button = screen.getByRole('button', { name: '立即购买' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(button.className.split(' ')).toEqual(['press', 'btn-primary', 'is-disabled']);
    fireEvent.click(button);
    expect(onClick).not.toHaveBeenCalled();

    rerender(
      <Press className="btn-primary" disabled={false} onClick={onClick}>
        立即购买
      </Press>,
    );
    expect(button.hasAttribute('disabled')).toBe(false);
    expect(button.className.split(' ')).toEqual(['press', 'btn-primary']);
    fireEvent.click(button);
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('Tap: a plain button (keyboard focus) that says whether it is on or unavailable, and passes its click on', () => {
    const onClick = jest.fn((e: { stopPropagation(): void }) => e.stopPropagation());
    const outer = jest.fn();
    render(
      <div onClick={outer}>
        <Tap className="product__spec-value" aria-pressed aria-disabled={false} onClick={onClick}>
          红
        </Tap>
      </div>,
    );
    const chip = screen.getByRole('button', { name: '红' });
    expect(chip.tagName).toBe('BUTTON');
    expect(chip.getAttribute('type')).toBe('button');
    expect(chip.className).toBe('tap product__spec-value');
    expect(chip.getAttribute('aria-pressed')).toBe('true');
    expect(chip.getAttribute('aria-disabled')).toBe('false');
    fireEvent.click(chip);
    expect(onClick).toHaveBeenCalledTimes(1);
    expect(outer).not.toHaveBeenCalled();
  });
});

describe('PageState', () => {
  const base = { isLoading: false, isError: false, onRetry: jest.fn() };
  it('renders skeleton, error with retry, offline, empty, then content', () => {
    const { rerender } = render(<PageState {...base} isLoading>内容</PageState>);
    expect(screen.getByTestId('skeleton')).toBeTruthy();
    rerender(<PageState {...base} isError error={new ApiError({ code: 'INTERNAL', status: 500 })}>内容</PageState>);
    expect(screen.getByText('加载失败')).toBeTruthy();
    expect(screen.getByText('服务器开小差了，请稍后再试')).toBeTruthy();
    fireEvent.click(screen.getByText('重试'));
    expect(base.onRetry).toHaveBeenCalled();
    rerender(<PageState {...base} isError error={new ApiError({ code: 'NETWORK', status: 0 })}>内容</PageState>);
    expect(screen.getByText('网络不可用')).toBeTruthy();
    expect(screen.getByText('请检查网络设置后重试，恢复联网后会自动刷新')).toBeTruthy();
    rerender(<PageState {...base} isEmpty emptyText="空的">内容</PageState>);
    expect(screen.getByText('空的')).toBeTruthy();
    rerender(<PageState {...base}>内容</PageState>);
    expect(screen.getByText('内容')).toBeTruthy();
  });

  it('every error offers a way home; a missing thing offers home instead of a useless retry', () => {
    const { rerender } = render(<PageState {...base} isError error={new ApiError({ code: 'NOT_FOUND', status: 404 })} notFoundText="商品不存在或已删除" />);
    expect(screen.getByRole('alert').getAttribute('data-kind')).toBe('not_found');
    expect(screen.getByText('商品不存在或已删除')).toBeTruthy();
    expect(screen.queryByText('重试')).toBeNull();
    fireEvent.click(screen.getByText('返回首页'));
    expect(Taro.switchTab).toHaveBeenCalledWith({ url: '/pages/home/index' });
    for (const error of [new ApiError({ code: 'NETWORK', status: 0 }), new ApiError({ code: 'INTERNAL', status: 500 }), new Error('boom')]) {
      rerender(<PageState {...base} isError error={error} />);
      expect([screen.queryByText('重试'), screen.queryByText('返回首页')].map(Boolean)).toEqual([true, true]);
    }
    // The home page itself: no way home to offer, a retry instead.
    rerender(<PageState {...base} isError error={new ApiError({ code: 'NETWORK', status: 0 })} showHome={false} />);
    expect([screen.queryByText('重试'), screen.queryByText('返回首页')].map(Boolean)).toEqual([true, false]);
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

describe('Picture', () => {
  it('a failed image becomes a placeholder (no broken icon), tried again when the network returns', () => {
    const { container } = render(<Picture className="pic" src="/images/p_1.svg" alt="杯子" />);
    const img = container.querySelector('img');
    expect(img?.getAttribute('src')).toBe('/images/p_1.svg');
    act(() => onlineManager.setOnline(false));
    fireEvent.error(img as HTMLImageElement);
    expect(container.querySelector('img')).toBeNull();
    const placeholder = screen.getByTestId('image-placeholder');
    expect(placeholder.className).toBe('pic picture--placeholder');
    expect(placeholder.getAttribute('aria-label')).toBe('杯子');
    act(() => onlineManager.setOnline(true));
    expect(container.querySelector('img')?.getAttribute('src')).toBe('/images/p_1.svg');
  });

  it('no image at all is the placeholder too, and every shared image goes through it', () => {
    render(<LineItem image={null} title="已删除" specText="" unitPrice={100} quantity={1} />);
    expect(screen.getByTestId('image-placeholder').getAttribute('aria-label')).toBe('已删除');
    const product = { id: 'p_1', merchantId: 'm_1', merchantName: '店', categoryId: 'c_1', title: '杯子', subtitle: '', cover: '/images/p_1.svg', priceFrom: 100, originalPrice: null, sales: 0, stock: 1 };
    const { container } = render(<ProductCard product={product} onClick={() => undefined} />);
    fireEvent.error(container.querySelector('img') as HTMLImageElement);
    expect(screen.getAllByTestId('image-placeholder')).toHaveLength(2);
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

describe('Picture on H5', () => {
  // The H5 file directly (jest resolves the mini-program one by default).
  const { Picture } = jest.requireActual<typeof PictureH5>('./picture/picture.h5');

  it('loads the LCP image at once with high priority and every other image lazily, always with alt text', () => {
    const { container, rerender } = render(<Picture className="home__banner" src="/images/bn_01.svg" alt="秋季上新" priority />);
    let img = container.querySelector('img')!;
    expect(img.getAttribute('alt')).toBe('秋季上新');
    expect(img.getAttribute('loading')).toBe('eager');
    expect(img.getAttribute('fetchpriority')).toBe('high');
    expect(img.getAttribute('src')).toMatch(/\/images\/bn_01\.svg$/);
    expect(img.className).toBe('picture picture--fill home__banner');

    rerender(<Picture className="home__category-icon" src="/images/cat_01.svg" alt="" mode="aspectFit" />);
    img = container.querySelector('img')!;
    expect(img.getAttribute('alt')).toBe('');
    expect(img.getAttribute('loading')).toBe('lazy');
    expect(img.getAttribute('fetchpriority')).toBe('auto');
    expect(img.className).toContain('picture--fit');
  });
});

describe('tappable Picture on H5', () => {
  const { Picture } = jest.requireActual<typeof PictureH5>('./picture/picture.h5');

  it('is a button a keyboard can reach and press', () => {
    const onClick = jest.fn();
    render(<Picture className="home__banner" src="/images/bn_01.svg" alt="秋季上新" onClick={onClick} />);
    const img = screen.getByRole('button', { name: '秋季上新' });
    expect(img.getAttribute('tabindex')).toBe('0');
    fireEvent.keyDown(img, { key: 'Enter' });
    fireEvent.keyDown(img, { key: ' ' });
    fireEvent.keyDown(img, { key: 'a' });
    fireEvent.click(img);
    expect(onClick).toHaveBeenCalledTimes(3);
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
