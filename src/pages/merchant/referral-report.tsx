import type { CommissionReport } from '@contract/referral-commission';
import { Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useMemo, useState } from 'react';
import { Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { t } from '@/i18n/workbench';
import { daysOf, lastDays, shanghaiDay, useCommissionReport } from '@/services/merchant/referral';
import { money } from './referral-format';
import { useWorkbench, wbFrame } from './shared';
import './workbench.css';
import './referral.css';

type Preset = 7 | 30;
const PRESETS: readonly Preset[] = [7, 30];

const pct = (amount: number, max: number) => `${max > 0 ? Math.round((amount / max) * 1000) / 10 : 0}%`;

/** One row per day of the range, newest first, with the days the report leaves out (nothing happened) at zero. */
function dailyRows(report: CommissionReport, days: string[]) {
  const byDay = new Map(report.days.map((d) => [d.day, d]));
  return days
    .map((day) => ({ day, paid: byDay.get(day)?.paid ?? 0, reversed: byDay.get(day)?.reversed ?? 0 }))
    .reverse();
}

/**
 * 佣金报表: commissions earned on the merchant's orders (by payment time) and reversed (by refund
 * time) per Asia/Shanghai day over the last 7 or 30 days, with the totals; each day a pair of
 * bars drawn with views, scaled to the range's largest amount.
 */
export default function WorkbenchReferralReport() {
  const { params } = useRouter();
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const [preset, setPreset] = useState<Preset>(() => (params.days === '30' ? 30 : 7));
  // The range moves once a day: computed when the preset changes, not on every render.
  const range = useMemo(() => lastDays(preset, Date.now()), [preset]);
  const days = useMemo(() => daysOf(range), [range]);
  const report = useCommissionReport(canRun ? merchantId : '', range, 'day');
  const data = report.data;
  const rows = data ? dailyRows(data, days) : [];
  const max = Math.max(0, ...rows.map((r) => Math.max(r.paid, r.reversed)));

  const presets = (
    <View className="wb-chips wb-ref-presets" role="tablist">
      {PRESETS.map((p) => (
        <View key={p} className={`wb-chip${p === preset ? ' wb-chip--on' : ''}`} role="tab" aria-selected={p === preset} onClick={() => setPreset(p)} data-testid={`ref-preset-${p}`}>
          {p === 7 ? t('wb.referral.report.last7') : t('wb.referral.report.last30')}
        </View>
      ))}
    </View>
  );

  return (
    <PageFrame {...wbFrame(wb, canRun)} title={t('wb.referral.report.title')} query={report} head={presets} skeleton={<Skeleton rows={8} />}>
      {data && (
        <>
          <View className="wb-card">
            <View className="wb-card__title">
              <Text>{t('wb.referral.report.range', { from: shanghaiDay(range.from), to: shanghaiDay(range.to - 1) })}</Text>
            </View>
            <View className="wb-ref-figures" data-testid="ref-report-total">
              <View className="wb-ref-figure">
                <Text className="wb-ref-figure__value wb-ref-figure__value--hot" data-testid="ref-report-earned">
                  {money(data.total.paid)}
                </Text>
                <Text className="wb-ref-figure__count">{t('wb.referral.count', { n: data.total.commissions })}</Text>
                <Text className="wb-ref-figure__label">{t('wb.referral.earned')}</Text>
              </View>
              <View className="wb-ref-figure">
                <Text className="wb-ref-figure__value" data-testid="ref-report-reversed">
                  {money(data.total.reversed)}
                </Text>
                <Text className="wb-ref-figure__label">{t('wb.referral.reversed')}</Text>
              </View>
              <View className="wb-ref-figure">
                <Text className="wb-ref-figure__value" data-testid="ref-report-net">
                  {money(data.total.paid - data.total.reversed)}
                </Text>
                <Text className="wb-ref-figure__label">{t('wb.referral.net')}</Text>
              </View>
            </View>
            <Text className="wb-ref-hint wb-ref-hint--after">{t('wb.referral.report.hint')}</Text>
          </View>

          <View className="wb-card" data-testid="ref-report-days">
            <View className="wb-card__title">{t('wb.referral.report.daily')}</View>
            {max === 0 ? (
              <Text className="wb-muted" data-testid="ref-report-empty">
                {t('wb.referral.report.empty')}
              </Text>
            ) : (
              <>
                <View className="wb-ref-legend" aria-hidden>
                  <View className="wb-ref-legend__item">
                    <View className="wb-ref-swatch wb-ref-bar-earned" />
                    <Text>{t('wb.referral.earned')}</Text>
                  </View>
                  <View className="wb-ref-legend__item">
                    <View className="wb-ref-swatch wb-ref-bar-reversed" />
                    <Text>{t('wb.referral.reversed')}</Text>
                  </View>
                </View>
                {rows.map((r) => (
                  <View key={r.day} className="wb-ref-day" data-testid="ref-report-day">
                    <Text className="wb-ref-day__date">{r.day.slice(5)}</Text>
                    <View className="wb-ref-day__bars" aria-hidden>
                      <View className="wb-ref-day__track">
                        <View className={`wb-ref-day__bar wb-ref-bar-earned${r.paid === 0 ? ' wb-ref-day__zero' : ''}`} style={{ width: pct(r.paid, max) }} data-testid="ref-bar-earned" />
                      </View>
                      <View className="wb-ref-day__track">
                        <View className={`wb-ref-day__bar wb-ref-bar-reversed${r.reversed === 0 ? ' wb-ref-day__zero' : ''}`} style={{ width: pct(r.reversed, max) }} data-testid="ref-bar-reversed" />
                      </View>
                    </View>
                    <View className="wb-ref-day__values">
                      {r.paid === 0 && r.reversed === 0 ? (
                        <Text className="wb-ref-day__reversed">{t('wb.referral.report.none')}</Text>
                      ) : (
                        <>
                          <Text>{t('wb.referral.report.dayEarned', { amount: money(r.paid) })}</Text>
                          <Text className="wb-ref-day__reversed">{t('wb.referral.report.dayReversed', { amount: money(r.reversed) })}</Text>
                        </>
                      )}
                    </View>
                  </View>
                ))}
              </>
            )}
          </View>
        </>
      )}
    </PageFrame>
  );
}
