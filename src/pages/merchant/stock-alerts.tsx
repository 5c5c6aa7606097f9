import { Text, View } from '@tarojs/components';
import { useState } from 'react';
import { icons, Skeleton } from '@/components';
import { t } from '@/i18n/workbench';
import { useStockAlerts } from '@/services/merchant/goods';
import { Item, openWb, useWorkbench, WbList } from './shared';
import './workbench.css';

const THRESHOLDS = [0, 5, 10] as const;

export default function WorkbenchStockAlerts() {
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const [threshold, setThreshold] = useState<number>(0);
  const alerts = useStockAlerts(canRun ? merchantId : '', threshold);

  return (
    <WbList
      wb={wb}
      allowed={canRun}
      title={t('wb.alerts.title')}
      list={alerts}
      itemKey={(a) => a.skuId}
      renderItem={(a) => (
        <View className="wb-card" data-testid="wb-alert">
          <Item
            image={a.cover}
            title={a.title}
            meta={
              <>
                {!a.onShelf && <Text className="wb-badge wb-badge--plain">{t('wb.products.offShelf')}</Text>}
                {a.specText || t('wb.products.defaultSpec')}
              </>
            }
          >
            <View className="wb-order__foot">
              <Text className="wb-status">{a.stock === 0 ? t('wb.alerts.soldOut') : t('wb.alerts.left', { n: a.stock })}</Text>
              <Text className="wb-link" onClick={() => openWb('products', merchantId, { q: a.title })}>
                {t('wb.alerts.restock')}
              </Text>
            </View>
          </Item>
        </View>
      )}
      tabs={{ tabs: THRESHOLDS.map((n) => ({ key: n, label: n === 0 ? t('wb.alerts.soldOut') : t('wb.alerts.low', { n }) })), active: threshold, onChange: setThreshold }}
      emptyText={t('wb.alerts.empty')}
      emptyIcon={icons.PackageCheck}
      skeleton={<Skeleton rows={3} avatar />}
    />
  );
}
