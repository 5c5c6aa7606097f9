import { act, fireEvent, screen, waitFor } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { mockApi, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import { drawPoster, wrapText, type PosterContext } from './draw';
import { PosterSheet } from '.';

/**
 * The poster against a fake canvas at Taro's boundary (createSelectorQuery's node, its 2d
 * context and images, canvasToTempFilePath) and the album calls: what is drawn, and how it is saved.
 */
type Call = [string, ...unknown[]];

/** A 2d context that records its calls; every character is 10 units wide. */
function recordingContext(calls: Call[]): PosterContext & { scale(x: number, y: number): void } {
  const ctx = {
    fillStyle: '' as unknown,
    font: '',
    textBaseline: '',
    textAlign: '',
    scale: (x: number, y: number) => calls.push(['scale', x, y]),
    fillRect: (...a: number[]) => calls.push(['fillRect', ...a]),
    fillText: (text: string, x: number, y: number) => calls.push(['fillText', text, x, y, ctx.font, ctx.fillStyle]),
    measureText: (text: string) => ({ width: Array.from(text).length * 10 }),
    drawImage: (image: unknown, ...a: number[]) => calls.push(['drawImage', (image as { src: string }).src, ...a]),
  };
  return ctx;
}

interface FakeImage {
  src: string;
  width: number;
  height: number;
  onload: (() => void) | null;
  onerror: (() => void) | null;
}

const written: { filePath: string; data: string; encoding: string }[] = [];

function installCanvas(calls: Call[], options: { productFails?: boolean; writeFails?: boolean } = {}) {
  written.length = 0;
  const node = {
    width: 0,
    height: 0,
    getContext: () => recordingContext(calls),
    createImage: () => {
      const image: FakeImage = { width: 0, height: 0, onload: null, onerror: null, src: '' };
      return new Proxy(image, {
        set(target, key, value) {
          (target as unknown as Record<string, unknown>)[key as string] = value;
          if (key === 'src') {
            const fails = options.productFails && String(value).startsWith('http');
            setTimeout(() => {
              if (fails) {
                target.onerror?.();
                return;
              }
              target.width = 800;
              target.height = 600;
              target.onload?.();
            }, 0);
          }
          return true;
        },
      });
    },
  };
  interface Query {
    select: jest.Mock;
    node: jest.Mock;
    exec: jest.Mock;
  }
  const query: Query = {
    select: jest.fn(() => query),
    node: jest.fn(() => query),
    exec: jest.fn((cb: (res: unknown[]) => void) => cb([{ node }])),
  };
  Object.assign(Taro, {
    createSelectorQuery: jest.fn(() => query),
    getSystemInfoSync: jest.fn(() => ({ pixelRatio: 2 })),
    canvasToTempFilePath: jest.fn(() => Promise.resolve({ tempFilePath: 'wxfile://tmp/poster.png', errMsg: 'canvasToTempFilePath:ok' })),
    saveImageToPhotosAlbum: jest.fn(() => Promise.resolve({ errMsg: 'saveImageToPhotosAlbum:ok' })),
    getSetting: jest.fn(() => Promise.resolve({ authSetting: {}, errMsg: 'getSetting:ok' })),
    env: { USER_DATA_PATH: 'wxfile://usr' },
    getFileSystemManager: jest.fn(() => ({
      writeFile: jest.fn((o: { filePath: string; data: string; encoding: string; success: () => void; fail: () => void }) => {
        written.push({ filePath: o.filePath, data: o.data, encoding: o.encoding });
        if (options.writeFails) o.fail();
        else o.success();
      }),
    })),
    openSetting: jest.fn(() => Promise.resolve({ authSetting: { 'scope.writePhotosAlbum': true }, errMsg: 'openSetting:ok' })),
  });
  return { node, query };
}

const CODE = 'data:image/png;base64,iVBORw0KGgo=';
const content = { title: '新疆阿克苏冰糖心苹果 5 斤装 当季现摘 脆甜多汁 产地直发 顺丰包邮到家 坏果包赔 七天无理由退换 送礼佳品 年货礼盒 精选大果', price: 12990, sharer: '小明' };

function renderSheet(onClose = jest.fn()) {
  const calls = mockApi({ 'POST /api/share/code': () => ({ statusCode: 200, data: { image: CODE } }) });
  renderWithClient(<PosterSheet open onClose={onClose} page="pages/product/index" scene="t=Ab3dEf7hIj9kLm" content={content} image="/images/p_1.png" />);
  return calls;
}

beforeEach(() => {
  taroMock.reset();
});

describe('wrapText', () => {
  const measure = (s: string) => Array.from(s).length * 10;
  it('fills lines to the width and ends the last one with an ellipsis', () => {
    expect(wrapText(measure, 'abcdefghij', 40, 2)).toEqual(['abcd', 'efg…']);
    expect(wrapText(measure, 'abcdef', 40, 2)).toEqual(['abcd', 'ef']);
    expect(wrapText(measure, 'abc', 40, 2)).toEqual(['abc']);
    expect(wrapText(measure, '苹果苹果苹果', 30, 1)).toEqual(['苹果…']);
  });
});

describe('drawPoster', () => {
  it('draws the product image, the title on two lines, the price from fen, the sharer and the code', () => {
    const calls: Call[] = [];
    const product = { src: 'product', width: 800, height: 600 };
    const code = { src: 'code', width: 430, height: 430 };
    drawPoster(recordingContext(calls), content, product, code);

    // The product image: the centred square of an 800x600 image, across the top.
    expect(calls).toContainEqual(['drawImage', 'product', 100, 0, 600, 600, 0, 0, 600, 600]);
    const texts = calls.filter((c) => c[0] === 'fillText').map((c) => c[1]);
    // Title: two lines of at most 32 characters (324 units beside the code), the second cut with an ellipsis.
    expect(texts[0]).toBe(Array.from(content.title).slice(0, 32).join(''));
    expect(String(texts[1]).endsWith('…')).toBe(true);
    expect(texts).toContain('¥129.90');
    expect(texts).toContain('小明 向你推荐');
    expect(texts).toContain('长按识别或扫码查看');
    expect(calls).toContainEqual(['drawImage', 'code', 0, 0, 430, 430, 388, 632, 180, 180]);
    const price = calls.find((c) => c[1] === '¥129.90')!;
    expect(price[5]).toBe('#d12b30');
  });

  it('draws a grey square where the product image could not be loaded', () => {
    const calls: Call[] = [];
    drawPoster(recordingContext(calls), content, null, { src: 'code', width: 430, height: 430 } as never);
    expect(calls.filter((c) => c[0] === 'drawImage')).toHaveLength(1);
    expect(calls).toContainEqual(['fillRect', 0, 0, 600, 600]);
  });

  it('a poster of no one product (the home page) draws its tagline where the price would be', () => {
    const calls: Call[] = [];
    drawPoster(recordingContext(calls), { title: '小店 · 好物精选', price: null, tagline: '精选好物 一站购齐', sharer: '小明' }, null, { src: 'code', width: 430, height: 430 } as never);
    const texts = calls.filter((c) => c[0] === 'fillText').map((c) => c[1]);
    expect(texts).toEqual(['小店 · 好物精选', '精选好物 一站购齐', '小明 向你推荐', '长按识别或扫码查看']);
    expect(texts.some((x) => String(x).includes('¥'))).toBe(false);
  });

  it('four images make a two-by-two grid across the top (a missing one is a grey square)', () => {
    const calls: Call[] = [];
    const img = (src: string) => ({ src, width: 800, height: 600 });
    drawPoster(recordingContext(calls), { title: '小店', price: null, sharer: '小明' }, [img('a'), img('b'), null, img('d')], { src: 'code', width: 430, height: 430 } as never);
    expect(calls.filter((c) => c[0] === 'drawImage' && c[1] !== 'code')).toEqual([
      ['drawImage', 'a', 100, 0, 600, 600, 0, 0, 298, 298],
      ['drawImage', 'b', 100, 0, 600, 600, 302, 0, 298, 298],
      ['drawImage', 'd', 100, 0, 600, 600, 302, 302, 298, 298],
    ]);
    expect(calls).toContainEqual(['fillRect', 0, 302, 298, 298]);
  });
});

describe('PosterSheet', () => {
  it("asks for this platform's code, draws on the 2d canvas and shows the exported poster", async () => {
    const drawn: Call[] = [];
    const canvas = installCanvas(drawn);
    const api = renderSheet();
    await screen.findByLabelText(`${content.title}的分享海报`);

    expect(api.filter((c) => c.path === '/api/share/code').map((c) => c.body)).toEqual([{ platform: 'h5', page: 'pages/product/index', scene: 't=Ab3dEf7hIj9kLm' }]);
    expect(Taro.createSelectorQuery).toHaveBeenCalled();
    expect(canvas.query.select).toHaveBeenCalledWith('#share-poster-canvas');
    expect(drawn[0]).toEqual(['scale', 2, 2]);
    // The code is written to a local file first (base64), and drawn from there.
    expect(written).toEqual([{ filePath: expect.stringMatching(/^wxfile:\/\/usr\/share-code-[0-9a-z]+-12\.png$/), data: 'iVBORw0KGgo=', encoding: 'base64' }]);
    expect(drawn.filter((c) => c[0] === 'drawImage').map((c) => c[1])).toEqual([expect.stringMatching(/\/images\/p_1\.png$/), written[0].filePath]);
    expect(drawn.filter((c) => c[0] === 'fillText').map((c) => c[1])).toEqual(expect.arrayContaining(['¥129.90', '小明 向你推荐']));
    expect(Taro.canvasToTempFilePath).toHaveBeenCalledWith(expect.objectContaining({ fileType: 'png', destWidth: 1200, destHeight: 1760 }));
  });

  it('保存到相册 saves the exported file to the album', async () => {
    installCanvas([]);
    renderSheet();
    fireEvent.click(await screen.findByText('保存到相册'));
    await waitFor(() => expect(Taro.saveImageToPhotosAlbum).toHaveBeenCalledWith({ filePath: 'wxfile://tmp/poster.png' }));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已保存到相册' })));
    expect(Taro.showModal).not.toHaveBeenCalled();
  });

  it('a refused album permission leads to a modal that opens the settings, then saves', async () => {
    installCanvas([]);
    (Taro.saveImageToPhotosAlbum as jest.Mock).mockImplementationOnce(() => Promise.reject({ errMsg: 'saveImageToPhotosAlbum:fail auth deny' }));
    renderSheet();
    fireEvent.click(await screen.findByText('保存到相册'));
    await waitFor(() => expect(Taro.openSetting).toHaveBeenCalled());
    expect(Taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '需要相册权限', confirmText: '去设置' }));
    await waitFor(() => expect(Taro.saveImageToPhotosAlbum).toHaveBeenCalledTimes(2));
  });

  it('when the permission was refused before, goes to the modal at once; cancelling it saves nothing', async () => {
    installCanvas([]);
    (Taro.getSetting as jest.Mock).mockImplementation(() => Promise.resolve({ authSetting: { 'scope.writePhotosAlbum': false } }));
    taroMock.setModalResult(false);
    renderSheet();
    fireEvent.click(await screen.findByText('保存到相册'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalled());
    await act(async () => undefined);
    expect(Taro.saveImageToPhotosAlbum).not.toHaveBeenCalled();
    expect(Taro.openSetting).not.toHaveBeenCalled();
  });

  it("the code service's failure shows its message and a retry", async () => {
    installCanvas([]);
    let fail = true;
    mockApi({
      'POST /api/share/code': () =>
        fail
          ? { statusCode: 502, data: { type: 'x', title: 'x', status: 502, code: 'SHARE_CODE_FAILED' } }
          : { statusCode: 200, data: { image: CODE } },
    });
    renderWithClient(<PosterSheet open onClose={jest.fn()} page="pages/home/index" scene="a" content={content} image="/images/p_1.png" />);
    expect(await screen.findByText('小程序码生成失败，请稍后再试')).toBeTruthy();
    fail = false;
    fireEvent.click(screen.getByText('重试'));
    await screen.findByText('保存到相册');
  });

  it('a product image that fails still makes a poster (grey square); a code that cannot be written is drawn from its data URL; 关闭 closes', async () => {
    const drawn: Call[] = [];
    installCanvas(drawn, { productFails: true, writeFails: true });
    const onClose = jest.fn();
    const calls = mockApi({ 'POST /api/share/code': () => ({ statusCode: 200, data: { image: CODE } }) });
    renderWithClient(<PosterSheet open onClose={onClose} page="pages/product/index" scene="a" content={content} image="https://cdn.example.com/p.png" />);
    await screen.findByText('保存到相册');
    expect(calls).toHaveLength(1);
    expect(drawn.filter((c) => c[0] === 'drawImage').map((c) => c[1])).toEqual([CODE]);
    fireEvent.click(screen.getByText('关闭'));
    expect(onClose).toHaveBeenCalled();
  });
});
