import type { MerchantProduct, MerchantSku } from '@contract';
import { Button, Input, Text, View } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { disabledProp } from '@/components';
import { t } from '@/i18n/workbench';
import { isApiError } from '@/services/http';
import { useChangeStock, useSetPrice } from '@/services/merchant/goods';
import { useIntentKey } from '@/services/merchant/intent-key';
import { confirmAction, errorText, parseYuan, toast, yuan } from './shared';

/** What a stock edit sends: a change (+n / -n), or a set with the stock the person saw. */
export function stockBody(mode: 'delta' | 'set', text: string, seen: number): { delta: number } | { set: number; expected: number } | null {
  const s = text.trim();
  if (mode === 'delta') {
    if (!/^[+-]?\d{1,7}$/.test(s)) return null;
    const delta = Number(s);
    return delta === 0 ? null : { delta };
  }
  if (!/^\d{1,7}$/.test(s)) return null;
  return { set: Number(s), expected: seen };
}

/** One SKU's price and stock, edited in the product list's sheet. */
export function SkuEditor({ merchantId, sku, onStale }: { merchantId: string; product: MerchantProduct; sku: MerchantSku; onStale: () => void }) {
  const setPrice = useSetPrice(merchantId);
  const changeStock = useChangeStock(merchantId);
  const priceIntent = useIntentKey();
  const stockIntent = useIntentKey();
  const [price, setPriceText] = useState(yuan(sku.price));
  const [original, setOriginal] = useState(sku.originalPrice != null ? yuan(sku.originalPrice) : '');
  const [mode, setMode] = useState<'delta' | 'set'>('delta');
  const [stockText, setStockText] = useState('');
  const [priceProblem, setPriceProblem] = useState<string | null>(null);
  const [stockProblem, setStockProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /**
   * The stock the person sees and a set-to edit expects: the list's, or the one a refused edit
   * answered with (STOCK_CHANGED, STOCK_BELOW_ZERO carry the current stock), until the list is
   * read again.
   */
  const [seen, setSeen] = useState(sku.stock);
  useEffect(() => setSeen(sku.stock), [sku.stock]);

  const savePrice = async () => {
    if (busy) return;
    const p = parseYuan(price);
    const o = original.trim() === '' ? null : parseYuan(original);
    if (p == null || p < 1 || (original.trim() !== '' && o == null)) return setPriceProblem(t('wb.sku.badPrice'));
    if (o != null && o < p) return setPriceProblem(t('wb.sku.originalBelow'));
    setPriceProblem(null);
    setBusy(true);
    try {
      if (!(await confirmAction(t('wb.sku.priceConfirm', { price: `¥${yuan(p)}` })))) return;
      const body = { price: p, originalPrice: o };
      await setPrice.mutateAsync({ skuId: sku.id, body, idempotencyKey: priceIntent.keyFor({ skuId: sku.id, body }) });
      priceIntent.done();
      toast(t('wb.sku.priceSaved'), 'success');
    } catch (e) {
      setPriceProblem(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const saveStock = async () => {
    if (busy) return;
    const body = stockBody(mode, stockText, seen);
    if (!body) return setStockProblem(mode === 'delta' ? t('wb.sku.badDelta') : t('wb.sku.badSet'));
    setStockProblem(null);
    setBusy(true);
    try {
      await changeStock.mutateAsync({ skuId: sku.id, body, idempotencyKey: stockIntent.keyFor({ skuId: sku.id, body }) });
      stockIntent.done();
      setStockText('');
      toast(t('wb.sku.stockSaved'), 'success');
    } catch (e) {
      stockIntent.done();
      setStockProblem(errorText(e));
      // STOCK_CHANGED: a sale or another edit moved the stock. The answer says to what: the
      // person sees it at once and the next set-to expects it; the list is read again too.
      if (isApiError(e) && (e.code === 'STOCK_CHANGED' || e.code === 'STOCK_BELOW_ZERO')) {
        const current = e.extraNumber('stock');
        if (current !== undefined) {
          setSeen(current);
          if (e.code === 'STOCK_CHANGED') setStockProblem(t('wb.sku.stockChanged', { n: current }));
          else if ('delta' in body) setStockProblem(t('wb.sku.belowZero', { n: current, m: -body.delta }));
        }
        onStale();
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <View className="wb-sku" data-testid={`wb-sku-${sku.id}`}>
      <Text className="wb-sku__name">{sku.specText || t('wb.products.defaultSpec')}</Text>
      <View className="wb-sku__grid">
        <View>
          <Text className="wb-field__label">{t('wb.sku.price')}</Text>
          <Input className="wb-input" type="digit" value={price} onInput={(e) => setPriceText(e.detail.value)} data-testid="sku-price" />
        </View>
        <View>
          <Text className="wb-field__label">{t('wb.sku.originalPrice')}</Text>
          <Input className="wb-input" type="digit" value={original} onInput={(e) => setOriginal(e.detail.value)} data-testid="sku-original" />
        </View>
      </View>
      {priceProblem && <View className="wb-error" role="alert">{priceProblem}</View>}
      <Button className="wb-btn wb-btn--block" disabled={disabledProp(busy)} onClick={() => void savePrice()} data-testid="sku-save-price">
        {t('wb.sku.savePrice')}
      </Button>

      <View className="wb-sku__stock-head">
        <Text className="wb-field__label" data-testid="sku-stock-now">{t('wb.sku.stockNow', { n: seen })}</Text>
        <View className="wb-chips">
          <View className={`wb-chip${mode === 'delta' ? ' wb-chip--on' : ''}`} aria-pressed={mode === 'delta'} onClick={() => { setMode('delta'); setStockProblem(null); }} data-testid="sku-mode-delta">
            {t('wb.sku.modeDelta')}
          </View>
          <View className={`wb-chip${mode === 'set' ? ' wb-chip--on' : ''}`} aria-pressed={mode === 'set'} onClick={() => { setMode('set'); setStockProblem(null); }} data-testid="sku-mode-set">
            {t('wb.sku.modeSet')}
          </View>
        </View>
      </View>
      <Input
        className="wb-input"
        type={mode === 'set' ? 'number' : 'text'}
        value={stockText}
        placeholder={mode === 'delta' ? t('wb.sku.deltaPlaceholder') : t('wb.sku.setPlaceholder')}
        onInput={(e) => setStockText(e.detail.value)}
        data-testid="sku-stock"
      />
      {stockProblem && <View className="wb-error" role="alert" data-testid="sku-stock-problem">{stockProblem}</View>}
      <Button className="wb-btn wb-btn--primary wb-btn--block" disabled={disabledProp(busy)} onClick={() => void saveStock()} data-testid="sku-save-stock">
        {t('wb.sku.saveStock')}
      </Button>
    </View>
  );
}
