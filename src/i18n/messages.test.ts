// A test may load the contract at run time (zod is fine in jest): it cross-checks the catalog against it.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { ERROR_CODES } from '@contract/errors';
import { errorMessage, errorMessages, lineIssueLabels, messages, orderStatusLabels, t } from './messages';

describe('message catalog', () => {
  it('has a Chinese message for every error code of the contract, plus NETWORK', () => {
    for (const code of [...Object.keys(ERROR_CODES), 'NETWORK']) {
      expect(errorMessage(code)).toMatch(/[\u4e00-\u9fa5]/);
      expect(errorMessage(code)).not.toBe(errorMessages.UNKNOWN);
    }
    expect(errorMessage('NO_SUCH_CODE')).toBe('出错了，请稍后再试');
    expect(errorMessage('toString')).toBe('出错了，请稍后再试');
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(t('stockLeft', { n: 3 })).toBe('库存 3 件');
    expect(t('selectSpec')).toBe('请选择 {names}');
    expect(t('retry')).toBe('重试');
  });

  it('labels line issues and order statuses', () => {
    expect(lineIssueLabels).toEqual({
      off_shelf: '已下架',
      out_of_stock: '已售罄',
      insufficient_stock: '库存不足',
      sku_missing: '商品规格已失效',
      price_changed: '价格已变动',
    });
    expect(orderStatusLabels.pending_payment).toBe('待付款');
  });

  it('every UI string is Simplified Chinese text (no leftover English)', () => {
    for (const [key, value] of Object.entries(messages)) {
      expect([key, /[\u4e00-\u9fa5¥]/.test(value)]).toEqual([key, true]);
    }
  });
});

describe('modal buttons', () => {
  it('fit the 4-character limit of showModal on every host (a longer label makes the modal fail)', () => {
    for (const key of ['consentAgree', 'confirm', 'cancel', 'remove', 'address.delete'] as const) {
      expect(Array.from(messages[key]).length).toBeLessThanOrEqual(4);
    }
  });
});
