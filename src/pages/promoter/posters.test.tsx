import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { summary, session } from '@/test/fixtures';
import { mockApi, ok, problem, renderWithClient, type Route } from '@/test/render';
import { useSession } from '@/stores/session';
import PostersPage from './posters';
import { promoterMe } from './test-data';

/**
 * The posters page with the poster component at Taro's boundary: a fake 2d canvas (what is drawn
 * is the component's own test), the export and the album calls.
 */
const CODE = 'data:image/png;base64,iVBORw0KGgo=';
const TOKEN = 'AbCdEf012345GhIjKlMn';

const images: string[] = [];

function installCanvas(drawn: string[]) {
  images.length = 0;
  const ctx = {
    fillStyle: '',
    font: '',
    textBaseline: '',
    textAlign: '',
    scale: () => undefined,
    fillRect: () => undefined,
    fillText: (text: string) => drawn.push(text),
    measureText: (text: string) => ({ width: Array.from(text).length * 10 }),
    drawImage: () => undefined,
  };
  const node = {
    width: 0,
    height: 0,
    getContext: () => ctx,
    createImage: () => {
      const image = { width: 0, height: 0, onload: null as null | (() => void), onerror: null as null | (() => void), _src: '' };
      return Object.defineProperty(image, 'src', {
        set(v: string) {
          image._src = v;
          images.push(v);
          setTimeout(() => {
            image.width = 400;
            image.height = 400;
            image.onload?.();
          }, 0);
        },
      });
    },
  };
  const query = { select: () => query, node: () => query, exec: (cb: (res: unknown[]) => void) => cb([{ node }]) };
  Object.assign(Taro, {
    createSelectorQuery: jest.fn(() => query),
    getSystemInfoSync: jest.fn(() => ({ pixelRatio: 2 })),
    canvasToTempFilePath: jest.fn(() => Promise.resolve({ tempFilePath: 'wxfile://tmp/poster.png' })),
    saveImageToPhotosAlbum: jest.fn(() => Promise.resolve({ errMsg: 'saveImageToPhotosAlbum:ok' })),
    getSetting: jest.fn(() => Promise.resolve({ authSetting: {} })),
    openSetting: jest.fn(() => Promise.resolve({ authSetting: { 'scope.writePhotosAlbum': true } })),
    env: {},
  });
}

function api(extra: Record<string, Route> = {}) {
  return mockApi({
    'GET /api/referral/me': () => ok(promoterMe()),
    'GET /api/products': (req) =>
      ok({ items: req.query.get('limit') === '4' ? [1, 2, 3, 4].map((n) => summary(n)) : [summary(1, { title: '纯棉T恤', priceFrom: 4_900 }), summary(2, { title: '帆布袋' })], nextCursor: null }),
    'POST /api/referral/links': (req) => {
      const target = (req.body as { target: string }).target;
      return ok({ token: TOKEN, path: target === 'home' ? `/pages/home/index?rt=${TOKEN}` : `/pages/product/index?id=p_1&rt=${TOKEN}`, expiresAt: Date.now() + 30 * 86_400_000 });
    },
    'POST /api/share/code': () => ok({ image: CODE }),
    ...extra,
  });
}

beforeEach(() => useSession.getState().setSession(session()));

/** 生成海报 of the home poster, once the best sellers for its grid are in. */
async function makeHome() {
  const button = (await screen.findByTestId('pm-make-home')) as HTMLButtonElement;
  await waitFor(() => expect(button.disabled).toBe(false));
  fireEvent.click(button);
}

describe('promoter posters', () => {
  it("the home poster: the promoter's link for home, the platform's code with rt=<token>, drawn with the shop's line and the sharer", async () => {
    const drawn: string[] = [];
    installCanvas(drawn);
    const calls = api();
    renderWithClient(<PostersPage />);
    await makeHome();
    const sheet = await screen.findByTestId('poster-sheet');
    await within(sheet).findByText('保存到相册');
    expect(calls.filter((c) => c.path === '/api/referral/links').map((c) => c.body)).toEqual([{ target: 'home' }]);
    expect(calls.filter((c) => c.path === '/api/share/code').map((c) => c.body)).toEqual([{ platform: 'h5', page: 'pages/home/index', scene: `rt=${TOKEN}` }]);
    expect(drawn).toEqual(['小店 · 好物精选', '精选好物 一站购齐', '小明 向你推荐', '长按识别或扫码查看']);
    // The shop's best sellers make the poster's grid.
    expect(calls.find((c) => c.path === '/api/products')?.query.toString()).toBe('sort=sales&limit=4');
    expect(images).toEqual(expect.arrayContaining(['/images/p_1.svg', '/images/p_2.svg', '/images/p_3.svg', '/images/p_4.svg'].map((src) => expect.stringContaining(src))));

    // Closed and made again: the link and the code come from the cache.
    fireEvent.click(within(sheet).getByText('关闭'));
    expect(screen.queryByTestId('poster-sheet')).toBeNull();
    await makeHome();
    await within(await screen.findByTestId('poster-sheet')).findByText('保存到相册');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(2);
  });

  it('a product poster: the products by sales, one chosen, its poster link and a code opening the product page; a refused album permission leads to the settings', async () => {
    const drawn: string[] = [];
    installCanvas(drawn);
    (Taro.saveImageToPhotosAlbum as jest.Mock).mockImplementationOnce(() => Promise.reject({ errMsg: 'saveImageToPhotosAlbum:fail auth deny' }));
    const calls = api();
    renderWithClient(<PostersPage />);
    await screen.findByTestId('pm-make-home');
    fireEvent.click(screen.getByText('商品海报'));
    expect((await screen.findAllByTestId('pm-product')).map((p) => p.textContent)).toEqual(['纯棉T恤¥49.00生成海报', '帆布袋¥10.02生成海报']);
    expect(calls.filter((c) => c.path === '/api/products').map((c) => c.query.toString())).toEqual(['sort=sales&limit=4', 'sort=sales&limit=20']);
    fireEvent.click(screen.getByTestId('pm-make-p_1'));
    const sheet = await screen.findByTestId('poster-sheet');
    fireEvent.click(await within(sheet).findByText('保存到相册'));
    expect(calls.filter((c) => c.path === '/api/referral/links').map((c) => c.body)).toEqual([{ target: 'poster:p_1' }]);
    expect(calls.filter((c) => c.path === '/api/share/code').map((c) => c.body)).toEqual([{ platform: 'h5', page: 'pages/product/index', scene: `rt=${TOKEN}` }]);
    expect(drawn).toEqual(expect.arrayContaining(['纯棉T恤', '¥49.00', '小明 向你推荐']));
    await waitFor(() => expect(Taro.openSetting).toHaveBeenCalled());
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '需要相册权限', confirmText: '去设置' }));
    await waitFor(() => expect(Taro.saveImageToPhotosAlbum).toHaveBeenCalledTimes(2));
  });

  it('searches the products by what was typed', async () => {
    const calls = api();
    renderWithClient(<PostersPage />);
    await screen.findByTestId('pm-make-home');
    fireEvent.click(screen.getByText('商品海报'));
    await screen.findAllByTestId('pm-product');
    fireEvent.change(screen.getByTestId('pm-product-search'), { target: { value: '帆布' } });
    fireEvent.click(screen.getByTestId('pm-product-search-go'));
    await waitFor(() => expect(calls.filter((c) => c.path === '/api/products' && c.query.get('limit') === '20').map((c) => c.query.get('q'))).toEqual([null, '帆布']));
  });

  it("a link refused (no longer a promoter) says why and opens no sheet", async () => {
    installCanvas([]);
    api({ 'POST /api/referral/links': () => problem(403, 'NOT_A_PROMOTER') });
    renderWithClient(<PostersPage />);
    await makeHome();
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '暂时还不能推广，请先成为推广员' })));
    expect(screen.queryByTestId('poster-sheet')).toBeNull();
  });

  it('a shopper who may not promote is led to the centre instead', async () => {
    const calls = api({ 'GET /api/referral/me': () => ok(promoterMe({ isPromoter: false, policy: 'min_spend', minSpend: 9_900, spent: 0 })) });
    renderWithClient(<PostersPage />);
    const card = await screen.findByTestId('pm-not-promoter');
    expect(card.textContent).toContain('成为推广员后即可生成专属推广海报');
    expect(screen.queryByTestId('pm-make-home')).toBeNull();
    fireEvent.click(within(card).getByText('去推广中心'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/promoter/index' });
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });
});
