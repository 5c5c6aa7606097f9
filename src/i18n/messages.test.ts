// A test may load the contract at run time (zod is fine in jest): it cross-checks the catalog against it.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { ERROR_CODES } from '@contract/errors';
import { afterSaleMessages } from './aftersale';
import { catalogMessages, t as catalogT } from './catalog';
import { liveHostMessages } from './live-host';
import { merchantMessages } from './merchant';
import { errorMessage, errorMessages, lineIssueLabels, messages, orderStatusLabels, t } from './messages';
import { referralHoldsMessages, referralMessages, withdrawMessages } from './referral';
import { tradeMessages } from './trade';
import { t as workbenchT, workbenchMessages } from './workbench';

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
    for (const [key, value] of Object.entries(workbenchMessages)) {
      expect([key, /[\u4e00-\u9fa5¥]/.test(value)]).toEqual([key, true]);
    }
  });
});

describe('modal buttons', () => {
  it('fit the 4-character limit of showModal on every host (a longer label makes the modal fail)', () => {
    for (const key of ['consentAgree', 'confirm', 'cancel', 'remove', 'address.delete'] as const) {
      expect(Array.from(catalogMessages[key]).length).toBeLessThanOrEqual(4);
    }
  });
});

describe('chapters', () => {
  it('no key is in two chapters (a spread would silently keep only one of the texts)', () => {
    const chapters = [messages, tradeMessages, afterSaleMessages, referralMessages, withdrawMessages, referralHoldsMessages, merchantMessages, liveHostMessages];
    const seen = new Map<string, number>();
    chapters.forEach((chapter, i) => {
      for (const key of Object.keys(chapter)) {
        expect([key, seen.get(key)]).toEqual([key, undefined]);
        seen.set(key, i);
      }
    });
    expect(Object.keys(workbenchMessages)).toHaveLength(seen.size);
  });

  it("each chapter's t knows the chapters below it", () => {
    expect(catalogT('retry')).toBe(t('retry'));
    expect(catalogT('orders.payable')).toBe(tradeMessages['orders.payable']);
    expect(workbenchT('retry')).toBe('重试');
    expect(workbenchT('orders.payable')).toBe(tradeMessages['orders.payable']);
    expect(workbenchT('wb.live.title')).toBe('直播管理');
  });
});
