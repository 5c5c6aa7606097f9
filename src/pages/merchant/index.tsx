import type { StaffRole, Workplace } from '@contract';
import { Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Icon, icons, OfflineBanner, PageState, Picture, Price, Skeleton, TitleBar } from '@/components';
import { PageForbidden } from '@/components/page-frame';
import { t } from '@/i18n/workbench';
import { staffRoleLabels } from '@/i18n/merchant';
import { isApiError } from '@/services/http';
import { useDashboard } from '@/services/merchant/dashboard';
import { openPage, PAGES } from '@/services/platform/nav';
import { useRealtimeLive } from '@/services/realtime';
import { useWorkbenchStore } from '@/stores/workbench';
import * as wbIcons from './icons';
import { formatTime, LIVE_ROLES, openWb, SHOP_ROLES, useWorkbench, useWorkplaces, type WorkbenchPage } from './shared';
import { useNewOrderCue } from './use-new-order-cue';
import './workbench.css';
import './index.css';

const backToShop = () => void openPage(PAGES.me);

function Picker({ items, onPick }: { items: Workplace[]; onPick: (w: Workplace) => void }) {
  return (
    <View className="wb-card" data-testid="wb-picker">
      <View className="wb-card__title">{t('wb.pickTitle')}</View>
      {items.map((w) => (
        <View key={w.merchantId} className="wb-home__pick" onClick={() => onPick(w)} data-testid="wb-pick">
          <Picture className="wb-home__logo" src={w.merchantLogo} alt="" />
          <View className="wb-home__pick-body">
            <Text className="wb-home__name">{w.merchantName}</Text>
            <Text className="wb-muted">{t('wb.role', { role: staffRoleLabels[w.role] })}</Text>
          </View>
          <Icon svg={icons.ChevronRight} size={32} color="#707070" />
        </View>
      ))}
    </View>
  );
}

interface Tool {
  page: WorkbenchPage;
  label: string;
  icon: string;
  /** Who sees it (default: owners and operators). */
  roles?: readonly StaffRole[];
}

const TOOLS: Tool[] = [
  { page: 'orders', label: t('wb.nav.orders'), icon: wbIcons.ClipboardList },
  { page: 'after-sales', label: t('wb.nav.afterSales'), icon: wbIcons.RotateCcw },
  { page: 'products', label: t('wb.nav.products'), icon: wbIcons.Package },
  { page: 'stock-alerts', label: t('wb.nav.stockAlerts'), icon: wbIcons.TriangleAlert },
  { page: 'live-sessions', label: t('wb.nav.live'), icon: wbIcons.Video, roles: LIVE_ROLES },
  { page: 'referral', label: t('wb.nav.referral'), icon: wbIcons.Share2 },
  { page: 'staff', label: t('wb.nav.staff'), icon: wbIcons.Users, roles: ['owner'] },
  { page: 'audit', label: t('wb.nav.audit'), icon: wbIcons.History, roles: ['owner'] },
];

export default function WorkbenchHome() {
  const wb = useWorkbench();
  const { merchantId, workplace, role, canRun, canLive } = wb;
  const choose = useWorkbenchStore((s) => s.choose);
  const forget = useWorkbenchStore((s) => s.forget);
  const workplaces = useWorkplaces();
  const [picking, setPicking] = useState(false);
  const dashboard = useDashboard(canRun ? merchantId : '');
  const live = useRealtimeLive();
  const cue = useNewOrderCue(canRun ? merchantId : '');
  const items = useMemo(() => workplaces.data?.items ?? [], [workplaces.data]);

  // The merchant the page opened is the one to come back to.
  useEffect(() => {
    if (workplace) choose(workplace.merchantId);
  }, [workplace, choose]);

  // Nothing chosen yet: one workplace opens by itself; with several the person picks.
  useEffect(() => {
    if (!merchantId && items.length === 1) choose(items[0].merchantId);
  }, [merchantId, items, choose]);

  // A remembered merchant that no longer has this person (removed: 404): forget it and pick
  // again. Not for a network failure or an outage: the merchant is still theirs.
  const gone = isApiError(wb.workplaceQuery.error) && wb.workplaceQuery.error.status === 404;
  useEffect(() => {
    if (gone && merchantId) forget();
  }, [gone, merchantId, forget]);

  usePullDownRefresh(() => {
    void Promise.all([dashboard.refetch(), workplaces.refetch()]).finally(() => Taro.stopPullDownRefresh());
  });

  const pick = (w: Workplace) => {
    setPicking(false);
    choose(w.merchantId);
    if (w.merchantId !== merchantId) void Taro.redirectTo({ url: `/pages/merchant/index?merchantId=${encodeURIComponent(w.merchantId)}` });
  };

  const needsPick = picking || (!merchantId && items.length > 1);
  const d = dashboard.data;

  const figure = (label: string, value: ReactNode, page?: WorkbenchPage, params?: Record<string, string>, testId?: string) => (
    <View className={`wb-home__figure${page ? ' wb-home__figure--link' : ''}`} onClick={page ? () => openWb(page, merchantId, params) : undefined} data-testid={testId}>
      <View className="wb-home__value">{value}</View>
      <Text className="wb-home__label">{label}</Text>
    </View>
  );

  return (
    <View className="wb wb-home">
      <TitleBar title={t('wb.home.title')} />
      <OfflineBanner />
      <View className="wb-home__head">
        <View className="wb-home__who">
          {workplace && <Picture className="wb-home__logo" src={workplace.merchantLogo} alt="" />}
          <View className="wb-home__pick-body">
            <Text className="wb-home__name wb-home__name--head">{workplace?.merchantName ?? t('wb.entry')}</Text>
            {workplace && <Text className="wb-home__role">{t('wb.role', { role: staffRoleLabels[workplace.role] })}</Text>}
          </View>
        </View>
        <View className="wb-home__links">
          {items.length > 1 && (
            <Text className="wb-home__link" onClick={() => setPicking(true)} data-testid="wb-switch">
              {t('wb.switchMerchant')}
            </Text>
          )}
          <Text className="wb-home__link" onClick={backToShop} data-testid="wb-back">
            {t('wb.backToShop')}
          </Text>
        </View>
      </View>

      {needsPick ? (
        <Picker items={items} onPick={pick} />
      ) : !merchantId ? (
        <PageState
          isLoading={workplaces.isLoading}
          isError={workplaces.isError && !workplaces.data}
          error={workplaces.error}
          isEmpty={items.length === 0}
          emptyText={t('wb.noWorkplace')}
          emptyIcon={icons.UserRound}
          emptyActionText={t('wb.backToShop')}
          onEmptyAction={backToShop}
          onRetry={() => void workplaces.refetch()}
        />
      ) : (
        <PageState
          isLoading={wb.workplaceQuery.isLoading}
          isError={wb.workplaceQuery.isError && !workplace}
          error={wb.workplaceQuery.error}
          onRetry={() => void wb.workplaceQuery.refetch()}
          skeleton={<Skeleton rows={4} />}
        >
          {!canRun && !canLive ? (
            <PageForbidden />
          ) : (
            <>
              {/* A live host sees only what it may do: the live sessions (no figures, orders or goods). */}
              {canRun && (
              <View className="wb-card">
                <View className="wb-card__title">
                  <Text>{t('wb.home.today')}</Text>
                  <Text className="wb-card__aside">
                    {live ? t('wb.home.live') : d ? t('wb.home.updatedAt', { time: formatTime(d.computedAt).slice(11) }) : ''}
                  </Text>
                </View>
                <PageState
                  isLoading={dashboard.isLoading}
                  isError={dashboard.isError && !d}
                  error={dashboard.error}
                  onRetry={() => void dashboard.refetch()}
                  showHome={false}
                  skeleton={<Skeleton rows={2} />}
                >
                  {d && (
                    <View className="wb-home__figures" data-testid="wb-figures">
                      {figure(t('wb.home.paidOrders'), <Text>{d.paidOrders}</Text>, 'orders', undefined, 'fig-paid')}
                      {figure(t('wb.home.gmv'), <Price fen={d.gmv} size="sm" />, undefined, undefined, 'fig-gmv')}
                      {figure(
                        t('wb.home.refunds'),
                        <View className="wb-home__refunds">
                          <Text>{t('wb.home.refundsValue', { count: d.refunds.count })}</Text>
                          <Price fen={d.refunds.amount} size="sm" />
                        </View>,
                        undefined,
                        undefined,
                        'fig-refunds',
                      )}
                      {figure(t('wb.home.toShip'), <Text className="wb-home__hot">{d.toShip}</Text>, 'orders', { tab: 'to_ship' }, 'fig-to-ship')}
                      {figure(t('wb.home.toPickup'), <Text className="wb-home__hot">{d.toPickup}</Text>, 'orders', { tab: 'to_pickup' }, 'fig-to-pickup')}
                      {figure(t('wb.home.afterSales'), <Text className="wb-home__hot">{d.afterSalesWaiting}</Text>, 'after-sales', undefined, 'fig-after-sales')}
                    </View>
                  )}
                </PageState>
              </View>
              )}
              {canRun && cue.needsGesture && !cue.soundOn && (
                <View className="wb-banner" onClick={cue.allowSound} data-testid="wb-sound">
                  {t('wb.orders.soundOn')}
                </View>
              )}
              <View className="wb-card">
                <View className="wb-card__title">{t('wb.home.tools')}</View>
                <View className="wb-home__tools">
                  {TOOLS.filter((tool) => role !== undefined && (tool.roles ?? SHOP_ROLES).includes(role)).map((tool) => (
                    <View key={tool.page} className="wb-home__tool" onClick={() => openWb(tool.page, merchantId)} data-testid={`wb-tool-${tool.page}`}>
                      <Icon svg={tool.icon} size={52} color="#d12b30" />
                      <Text className="wb-home__tool-label">{tool.label}</Text>
                    </View>
                  ))}
                </View>
              </View>
            </>
          )}
        </PageState>
      )}
    </View>
  );
}
