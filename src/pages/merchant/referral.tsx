import { Text, View } from '@tarojs/components';
import { useMemo } from 'react';
import { Icon, PageState, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { t } from '@/i18n/workbench';
import { isApiError } from '@/services/http';
import { PENDING_COUNT_PAGE, thisMonth, useCommissionReport, usePendingApplications, useReferralRules } from '@/services/merchant/referral';
import * as wbIcons from './icons';
import { money, termsLines } from './referral-format';
import { formatTime, openWb, useWorkbench, wbFrame, type WorkbenchPage } from './shared';
import './workbench.css';
import './referral.css';

interface Entry {
  page: WorkbenchPage;
  label: string;
  icon: string;
  /** The operating merchant's part (promoter applications, withdrawals): other merchants do not have it. */
  operatorOnly?: boolean;
}

const ENTRIES: Entry[] = [
  { page: 'referral-rules', label: t('wb.referral.nav.rules'), icon: wbIcons.SlidersHorizontal },
  { page: 'referral-applications', label: t('wb.referral.nav.applications'), icon: wbIcons.UserCheck, operatorOnly: true },
  { page: 'referral-holds', label: t('wb.referral.nav.holds'), icon: wbIcons.ShieldAlert },
  { page: 'referral-withdrawals', label: t('wb.referral.nav.withdrawals'), icon: wbIcons.Wallet, operatorOnly: true },
  { page: 'referral-report', label: t('wb.referral.nav.report'), icon: wbIcons.ChartColumn },
];

/**
 * 分销管理: the merchant's referral at a glance (docs/referral.md): whether its commission rules
 * are on and which version is in force, this month's commissions earned and reversed, the
 * promoter applications waiting (the operating merchant only), and the way to each referral page.
 */
export default function WorkbenchReferral() {
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const active = canRun ? merchantId : '';
  const rules = useReferralRules(active);
  // The month's bounds move once a day: the key stays put between renders.
  const month = useMemo(() => thisMonth(Date.now()), []);
  const report = useCommissionReport(active, month, 'total');
  const pending = usePendingApplications(active);
  // Only the operating merchant has promoter applications (and withdrawals); any other answers 404.
  const notOperator = isApiError(pending.error) && pending.error.status === 404;

  const r = rules.data;
  // The page is built around the rules; pulling down (or 重试) reads the figures and the count again too.
  const frame = {
    isLoading: rules.isLoading,
    isError: rules.isError,
    error: rules.error,
    data: rules.data,
    refetch: () => Promise.all([rules.refetch(), report.refetch(), pending.refetch()]),
  };
  const total = report.data?.total;
  const pendingCount = pending.data ? (pending.data.more ? `${PENDING_COUNT_PAGE}+` : String(pending.data.count)) : null;

  return (
    <PageFrame {...wbFrame(wb, canRun)} title={t('wb.referral.title')} query={frame} skeleton={<Skeleton rows={6} />}>
      {r && (
        <>
          <View className="wb-card" data-testid="ref-status" onClick={() => openWb('referral-rules', merchantId)}>
            <View className="wb-card__title">
              <View className="wb-ref-status">
                <Text>{t('wb.referral.status')}</Text>
                <Text className={`wb-badge${r.enabled ? '' : ' wb-badge--plain'}`} data-testid="ref-enabled">
                  {r.enabled ? t('wb.referral.on') : t('wb.referral.off')}
                </Text>
              </View>
              <Text className="wb-ref-more">{t('wb.referral.nav.rules')}</Text>
            </View>
            {r.version === 0 ? (
              <Text className="wb-ref-sub">{t('wb.referral.never')}</Text>
            ) : (
              <>
                <Text className="wb-ref-sub" data-testid="ref-version">
                  {t('wb.referral.version', { version: r.version, time: r.createdAt ? formatTime(r.createdAt) : '' })}
                </Text>
                <Text className="wb-ref-line">{[t('wb.referral.levels', { n: r.levels }), ...termsLines(r.mode, r.amounts)].join(' · ')}</Text>
                <Text className="wb-ref-line">
                  {[t('wb.referral.freeze', { days: r.freezeDays }), ...(r.overrides.length > 0 ? [t('wb.referral.overrideCount', { n: r.overrides.length })] : [])].join(' · ')}
                </Text>
              </>
            )}
          </View>

          <View className="wb-card">
            <View className="wb-card__title">
              <Text>{t('wb.referral.month')}</Text>
              <Text className="wb-ref-more" onClick={() => openWb('referral-report', merchantId)}>
                {t('wb.referral.nav.report')}
              </Text>
            </View>
            <PageState
              isLoading={report.isLoading}
              isError={report.isError && !total}
              error={report.error}
              onRetry={() => void report.refetch()}
              showHome={false}
              skeleton={<Skeleton rows={2} />}
            >
              {total && (
                <View className="wb-ref-figures" data-testid="ref-month">
                  <View className="wb-ref-figure" data-testid="ref-month-earned">
                    <Text className="wb-ref-figure__value wb-ref-figure__value--hot">{money(total.paid)}</Text>
                    <Text className="wb-ref-figure__count">{t('wb.referral.count', { n: total.commissions })}</Text>
                    <Text className="wb-ref-figure__label">{t('wb.referral.earned')}</Text>
                  </View>
                  <View className="wb-ref-figure" data-testid="ref-month-reversed">
                    <Text className="wb-ref-figure__value">{money(total.reversed)}</Text>
                    <Text className="wb-ref-figure__label">{t('wb.referral.reversed')}</Text>
                  </View>
                  <View className="wb-ref-figure" data-testid="ref-month-net">
                    <Text className="wb-ref-figure__value">{money(total.paid - total.reversed)}</Text>
                    <Text className="wb-ref-figure__label">{t('wb.referral.net')}</Text>
                  </View>
                </View>
              )}
            </PageState>
          </View>

          <View className="wb-card">
            <View className="wb-card__title">{t('wb.referral.tools')}</View>
            <View className="wb-ref-tools">
              {ENTRIES.filter((e) => !e.operatorOnly || !notOperator).map((e) => (
                <View key={e.page} className="wb-ref-tool" onClick={() => openWb(e.page, merchantId)} data-testid={`ref-tool-${e.page}`}>
                  <Icon svg={e.icon} size={52} color="#d12b30" />
                  <Text className="wb-ref-tool__label">{e.label}</Text>
                  {e.page === 'referral-applications' && pendingCount !== null && pendingCount !== '0' && (
                    <Text className="wb-ref-tool__badge" data-testid="ref-pending" aria-label={t('wb.referral.pending', { n: pendingCount })}>
                      {pendingCount}
                    </Text>
                  )}
                </View>
              ))}
            </View>
          </View>
        </>
      )}
    </PageFrame>
  );
}
