import { sharePlatform } from './shareCode';

describe('sharePlatform', () => {
  it('maps the build target to the platform the code API names', () => {
    expect(sharePlatform('weapp')).toBe('weapp');
    expect(sharePlatform('alipay')).toBe('alipay');
    expect(sharePlatform('tt')).toBe('tt');
    expect(sharePlatform('h5')).toBe('h5');
    expect(sharePlatform(undefined)).toBe('h5');
  });
});
