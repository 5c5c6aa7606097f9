import Taro from '@tarojs/taro';
import type * as Http from '../http';
import type * as Preview from './preview';
import type * as PreviewH5 from './preview.h5';

describe('previewImages', () => {
  afterEach(() => jest.resetModules());

  it('mini-programs: the host viewer, from the photo tapped', async () => {
    const { previewImages } = jest.requireActual<typeof Preview>('./preview');
    await previewImages(['https://shop.test/a.svg', 'https://shop.test/b.svg'], 'https://shop.test/b.svg');
    expect(Taro.previewImage).toHaveBeenCalledWith({ urls: ['https://shop.test/a.svg', 'https://shop.test/b.svg'], current: 'https://shop.test/b.svg' });
  });

  it('H5: loads the viewer on the first tap and opens it', async () => {
    const openViewer = jest.fn(async () => undefined);
    jest.doMock('./preview-viewer', () => ({ openViewer }));
    const { previewImages } = jest.requireActual<typeof PreviewH5>('./preview.h5');
    await previewImages(['https://shop.test/a.svg'], 'https://shop.test/a.svg');
    expect(openViewer).toHaveBeenCalledWith(['https://shop.test/a.svg'], 'https://shop.test/a.svg');
  });

  it('H5: a viewer that cannot be loaded (offline) rejects with the network error the page shows', async () => {
    jest.doMock('./preview-viewer', () => {
      throw new Error('Loading chunk 156 failed.');
    });
    const { previewImages } = jest.requireActual<typeof PreviewH5>('./preview.h5');
    const { ApiError } = jest.requireActual<typeof Http>('../http');
    const failure = await previewImages(['https://shop.test/a.svg'], 'https://shop.test/a.svg').catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ code: 'NETWORK', message: '网络不可用，请检查网络后重试' });
  });
});
