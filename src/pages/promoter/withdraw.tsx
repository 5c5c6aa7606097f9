import type { ReferralEarnings, WithdrawRules } from '@contract/referral-commission';
import type { Withdrawal, WithdrawalDestination } from '@contract/referral-withdrawal';
import { fenToYuanString, formatPrice, yuanStringToFen } from '@contract/money';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { disabledProp, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { errorMessage } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { useLoginGate } from '@/services/checkout/login-gate';
import { ApiError } from '@/services/http';
import { useIntentKey } from '@/services/merchant/intent-key';
import { requestMerchantTransfer, withdrawDestinations } from '@/services/platform/merchant-transfer';
import { openPage, PAGES, replacePage } from '@/services/platform/nav';
import { useCreateWithdrawal, useReferralEarnings, useWithdrawal, withdrawalFeeOf } from '@/services/referral/withdrawals';
import './promoter.css';

const DEST_LABEL: Record<WithdrawalDestination, { name: string; hint: string }> = {
  balance: { name: t('withdraw.dest.balance'), hint: t('withdraw.dest.balanceHint') },
  wechat: { name: t('withdraw.dest.wechat'), hint: t('withdraw.dest.wechatHint') },
  alipay: { name: t('withdraw.dest.alipay'), hint: t('withdraw.dest.alipayHint') },
};

/** The amount typed in yuan as fen; null while it is not a positive amount with at most two decimals. */
export function parseAmount(raw: string): number | null {
  const s = raw.trim();
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(s)) return null;
  const fen = yuanStringToFen(s);
  return fen > 0 ? fen : null;
}

function feeRule(rules: WithdrawRules): string {
  const parts: string[] = [];
  if (rules.feeBp > 0) parts.push(t('withdraw.feeRate', { percent: String(rules.feeBp / 100) }));
  if (rules.feeFen > 0) parts.push(t('withdraw.feeFixed', { fen: formatPrice(rules.feeFen) }));
  return parts.length === 0 ? t('withdraw.feeFree') : parts.join(' + ');
}

/** A refusal of the server as the promoter reads it, with the figure it carries when it has one. */
export function refusalMessage(e: unknown): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : errorMessage('UNKNOWN');
  const figure = (name: string) => {
    const v = e.extraNumber(name);
    return v === undefined ? null : formatPrice(v);
  };
  const withFigure = (key: Parameters<typeof t>[0], name: string) => {
    const amount = figure(name);
    return amount === null ? e.message : t(key, { amount });
  };
  switch (e.code) {
    case 'WITHDRAWAL_BELOW_MINIMUM':
      return withFigure('withdraw.err.minimum', 'minimum');
    case 'WITHDRAWAL_EXCEEDS_AVAILABLE':
      return withFigure('withdraw.err.available', 'available');
    case 'WITHDRAWAL_DAILY_LIMIT':
      return withFigure('withdraw.err.daily', 'remaining');
    case 'WITHDRAWAL_CLAWBACK_OWED':
      return withFigure('withdraw.err.owed', 'owed');
    case 'WITHDRAWAL_CHANNEL_LIMIT':
      return withFigure('withdraw.err.channelLimit', 'maximum');
    default:
      return e.message;
  }
}

/** What the page can tell before asking: the same checks as the server's, from the rules it sent. */
function localProblem(amount: number | null, raw: string, e: ReferralEarnings, destination: WithdrawalDestination): string | null {
  if (raw.trim() === '') return null;
  if (amount === null) return t('withdraw.invalidAmount');
  const rules = e.withdraw;
  const fee = withdrawalFeeOf(rules, amount);
  const least = Math.max(rules.minimum, destination === 'balance' ? 1 + fee : rules.channelMinPayout + fee);
  if (amount < rules.minimum || amount - fee < (destination === 'balance' ? 1 : rules.channelMinPayout)) return t('withdraw.err.minimum', { amount: formatPrice(least) });
  if (amount > e.available) return t('withdraw.err.available', { amount: formatPrice(e.available) });
  if (rules.remainingToday !== null && amount > rules.remainingToday) return t('withdraw.err.daily', { amount: formatPrice(rules.remainingToday) });
  if (destination === 'wechat' && amount - fee >= rules.wechatPayoutBelow) return t('withdraw.err.channelLimit', { amount: formatPrice(rules.wechatPayoutBelow - 1 + fee) });
  return null;
}

function WithdrawForm({ earnings, onDone }: { earnings: ReferralEarnings; onDone: (w: Withdrawal) => void }) {
  const destinations = withdrawDestinations();
  const [raw, setRaw] = useState('');
  const [destination, setDestination] = useState<WithdrawalDestination>('balance');
  const [serverError, setServerError] = useState<string | null>(null);
  const create = useCreateWithdrawal();
  const intent = useIntentKey();
  const rules = earnings.withdraw;
  const amount = parseAmount(raw);
  const fee = amount === null ? 0 : withdrawalFeeOf(rules, amount);
  const problem = earnings.owed > 0 ? t('withdraw.err.owed', { amount: formatPrice(earnings.owed) }) : localProblem(amount, raw, earnings, destination);
  const canSubmit = amount !== null && problem === null && !create.isPending;

  const submit = async () => {
    if (!canSubmit || amount === null) return;
    const body = { amount, destination };
    setServerError(null);
    try {
      // The same amount and destination sent again after a failure is the same withdrawal.
      const w = await create.mutateAsync({ body, idempotencyKey: intent.keyFor(body) });
      intent.done();
      onDone(w);
    } catch (e) {
      setServerError(refusalMessage(e));
    }
  };

  return (
    <>
      <View className="pm-card" data-testid="pm-wd-form">
        <View className="pm-wd-available">
          <Text>{t('withdraw.available')}</Text>
          <Text className="pm-wd-available__value" data-testid="pm-wd-available">{formatPrice(earnings.available)}</Text>
        </View>
        <Text className="pm-muted">{t('withdraw.amountLabel')}</Text>
        <View className="pm-wd-input">
          <Text className="pm-wd-input__yen">¥</Text>
          <Input
            className="pm-wd-input__field"
            type="digit"
            value={raw}
            placeholder={t('withdraw.amountPlaceholder', { min: formatPrice(rules.minimum) })}
            onInput={(e) => {
              setRaw(e.detail.value);
              setServerError(null);
            }}
            data-testid="pm-wd-amount"
          />
          <Text
            className="pm-wd-input__all"
            onClick={() => {
              const cap = rules.remainingToday === null ? earnings.available : Math.min(earnings.available, rules.remainingToday);
              setRaw(fenToYuanString(cap));
              setServerError(null);
            }}
            data-testid="pm-wd-all"
          >
            {t('withdraw.all')}
          </Text>
        </View>
        {problem && <View className="pm-wd-error" role="alert" data-testid="pm-wd-problem">{problem}</View>}
        {serverError && <View className="pm-wd-error" role="alert" data-testid="pm-wd-error">{serverError}</View>}
        <Text className="pm-wd-hint" data-testid="pm-wd-limits">
          {rules.remainingToday === null
            ? t('withdraw.limits', { min: formatPrice(rules.minimum) })
            : t('withdraw.limitsDaily', { min: formatPrice(rules.minimum), remaining: formatPrice(rules.remainingToday) })}
          {` · ${t('withdraw.feeRule', { rule: feeRule(rules) })}`}
          {rules.autoApproveMax > 0 ? ` · ${t('withdraw.reviewHint', { max: formatPrice(rules.autoApproveMax) })}` : ''}
        </Text>
      </View>

      <View className="pm-card">
        <View className="pm-card__title">{t('withdraw.destinationLabel')}</View>
        {destinations.map((d) => (
          <View key={d} className="pm-wd-dest" role="radio" aria-checked={destination === d} onClick={() => { setDestination(d); setServerError(null); }} data-testid={`pm-wd-dest-${d}`}>
            <View>
              <Text className="pm-wd-dest__name">{DEST_LABEL[d].name}</Text>
              <View className="pm-muted">{DEST_LABEL[d].hint}</View>
            </View>
            <View className={`pm-wd-dest__radio${destination === d ? ' pm-wd-dest__radio--on' : ''}`} />
          </View>
        ))}
      </View>

      <View className="pm-card">
        <View className="pm-wd-sum">
          <Text>{t('withdraw.fee')}</Text>
          <Text data-testid="pm-wd-fee">{formatPrice(fee)}</Text>
        </View>
        <View className="pm-wd-sum">
          <Text>{t('withdraw.arrives')}</Text>
          <Text className="pm-wd-sum__payout" data-testid="pm-wd-payout">{formatPrice(amount === null ? 0 : Math.max(0, amount - fee))}</Text>
        </View>
        <Button className="btn-primary pm-submit" disabled={disabledProp(!canSubmit)} onClick={() => void submit()} data-testid="pm-wd-submit">
          {create.isPending ? t('withdraw.submitting') : t('withdraw.confirmSubmit')}
        </Button>
      </View>
      <View className="pm-wd-link" onClick={() => void openPage(PAGES.promoterWithdrawals)} data-testid="pm-wd-history">
        {t('withdraw.history')}
      </View>
    </>
  );
}

/** After asking: paid, waiting for review, or transferring (on WeChat, his confirmation). */
function WithdrawResult({ first }: { first: Withdrawal }) {
  const read = useWithdrawal(first.id);
  const w = read.data ?? first;
  const [confirmFallback, setConfirmFallback] = useState(false);
  const confirm = w.status === 'transferring' ? w.confirm : null;

  const openConfirm = async () => {
    if (!confirm) return;
    const outcome = await requestMerchantTransfer(confirm);
    if (outcome === 'unavailable') setConfirmFallback(true);
    else void read.refetch();
  };
  // WeChat's confirmation opens as soon as the transfer waits for him.
  useEffect(() => {
    if (confirm) void openConfirm();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [confirm?.package]);

  let title: string;
  let hint: string;
  if (w.status === 'succeeded') {
    title = t('withdraw.result.succeeded');
    hint = w.destination === 'balance' ? t('withdraw.result.succeededHint', { amount: formatPrice(w.payout) }) : '';
  } else if (w.status === 'requested') {
    title = t('withdraw.result.review');
    hint = t('withdraw.result.reviewHint');
  } else if (w.status === 'failed') {
    title = t('withdraw.result.failed');
    hint = w.failReason ? `${t('withdraw.failReason', { reason: w.failReason })} ${t('withdraw.result.failedHint')}` : t('withdraw.result.failedHint');
  } else if (w.status === 'rejected') {
    title = t('withdraw.result.rejected');
    hint = w.reason ? t('withdraw.reason', { reason: w.reason }) : '';
  } else {
    title = t('withdraw.result.transferring');
    hint = confirm && confirmFallback ? t('withdraw.result.confirmHint') : t('withdraw.result.transferringHint', { amount: formatPrice(w.payout), destination: DEST_LABEL[w.destination].name });
  }
  return (
    <View className="pm-card pm-wd-result" data-testid="pm-wd-result" data-status={w.status}>
      <Text className="pm-wd-result__title" data-testid="pm-wd-result-title">{title}</Text>
      <Text className="pm-wd-result__hint" data-testid="pm-wd-result-hint">{hint}</Text>
      <Text className="pm-muted">{t('withdraw.result.line', { amount: formatPrice(w.amount), fee: formatPrice(w.fee) })}</Text>
      {confirm && (
        <Button className="btn-primary pm-submit" onClick={() => void openConfirm()} data-testid="pm-wd-confirm">
          {t('withdraw.result.confirm')}
        </Button>
      )}
      <Button className="pm-submit" onClick={() => void replacePage(PAGES.promoterWithdrawals)} data-testid="pm-wd-result-history">
        {t('withdraw.result.history')}
      </Button>
      <Button className="pm-submit" onClick={() => void Taro.navigateBack()} data-testid="pm-wd-done">
        {t('withdraw.result.done')}
      </Button>
    </View>
  );
}

/**
 * The promoter's withdrawal: how much (or all of it), where to (the balance; WeChat's change in
 * the WeChat mini-program, Alipay in Alipay's), the fee and what arrives as he types, the
 * server's refusals in words, then the result (paid, in review, transferring).
 */
export default function PromoterWithdraw() {
  const earnings = useReferralEarnings();
  const [done, setDone] = useState<Withdrawal | null>(null);
  useLoginGate(earnings.error, earnings.refetch);
  useDidShow(() => {
    if (earnings.data && !done) void earnings.refetch();
  });
  return (
    <PageFrame title={t('withdraw.title')} className="pm" query={earnings} skeleton={<Skeleton rows={4} />}>
      {done ? <WithdrawResult first={done} /> : earnings.data && <WithdrawForm earnings={earnings.data} onDone={setDone} />}
    </PageFrame>
  );
}
