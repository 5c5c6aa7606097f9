import type { CommissionMode } from '@contract/referral-commission';
import { formatPrice } from '@contract/money';
import { t } from '@/i18n/workbench';
import { referralLevelLabels } from '@/i18n/merchant';
import { formatFixed, formatRate } from '@/services/merchant/referral-rules';

/** 一级, 二级, 三级 (a level beyond the labels: its number). */
export const levelName = (level: number): string => referralLevelLabels[level] ?? String(level);

/** One line per level: "一级佣金 10%" or "一级佣金 ¥1.5/件". */
export function termsLines(mode: CommissionMode, amounts: readonly number[]): string[] {
  return amounts.map((a, i) =>
    mode === 'rate' ? t('wb.referral.rateOf', { level: levelName(i + 1), value: formatRate(a) }) : t('wb.referral.fixedOf', { level: levelName(i + 1), value: formatFixed(a) }),
  );
}

/** ¥ with two decimals. */
export const money = (fen: number): string => formatPrice(fen);
