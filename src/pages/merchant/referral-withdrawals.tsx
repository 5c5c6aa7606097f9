import type { MerchantWithdrawal, WithdrawalStatus } from '@contract/referral-withdrawal';
import { Button, Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { disabledProp, icons, Skeleton } from '@/components';
import { formatPrice } from '@contract/money';
import { t } from '@/i18n/workbench';
import { type WithdrawalDecision, useDecideWithdrawal, useMerchantWithdrawals } from '@/services/merchant/withdrawals';
import { useIntentKey } from '@/services/merchant/intent-key';
import { confirmAction, formatTime, Sheet, toast, useOneAtATime, useWorkbench, WbList } from './shared';
import './workbench.css';

/**
 * 佣金提现审核: the operating merchant's owners and operators review promoters' withdrawals above
 * the auto-approval threshold (docs/referral.md, "Withdrawals"): the queue opens on 待审核 (oldest
 * first); 通过 pays at once (asks first), 驳回 asks a reason the promoter sees and gives him the
 * money back. The other tabs show what was decided. Any other merchant's staff get the server's
 * 404 (the review exists only for the operating merchant).
 */
export const WITHDRAWAL_TABS = ['requested', 'transferring', 'succeeded', 'rejected', 'failed'] as const satisfies readonly WithdrawalStatus[];
type WithdrawalTab = (typeof WITHDRAWAL_TABS)[number];

function parseTab(raw: string | undefined): WithdrawalTab {
  return WITHDRAWAL_TABS.find((tab) => tab === raw) ?? 'requested';
}

const money = (fen: number) => formatPrice(fen);

function WithdrawalRow({ item, busy, onApprove, onReject }: { item: MerchantWithdrawal; busy: boolean; onApprove: () => void; onReject: () => void }) {
  const who = item.phone ? `${item.nickname} ${item.phone}` : item.nickname;
  return (
    <View className="wb-card" data-testid="wb-withdrawal">
      <View className="wb-order__head">
        <Text>
          <Text className="wb-badge">{t(`withdraw.destination.${item.destination}`)}</Text>
          <Text className="wb-muted">{t('withdraw.promoter', { name: who })}</Text>
        </Text>
        <Text className={`wb-status${item.status === 'requested' ? '' : ' wb-status--done'}`}>{t(`withdraw.status.${item.status}`)}</Text>
      </View>
      <View>
        <Text data-testid="wb-withdrawal-amount">{t('withdraw.amountLine', { amount: money(item.amount), fee: money(item.fee), payout: money(item.payout) })}</Text>
      </View>
      <View>
        <Text className="wb-muted">{t('withdraw.requestedAt', { time: formatTime(item.createdAt) })}</Text>
      </View>
      {item.reason && (
        <View>
          <Text className="wb-muted">{t('withdraw.reason', { reason: item.reason })}</Text>
        </View>
      )}
      {item.failReason && (
        <View>
          <Text className="wb-muted">{t('withdraw.failReason', { reason: item.failReason })}</Text>
        </View>
      )}
      {item.status === 'requested' && (
        <View className="wb-actions">
          <Button className="wb-btn wb-btn--danger" disabled={disabledProp(busy)} onClick={onReject} data-testid="wd-reject">
            {t('withdraw.reject')}
          </Button>
          <Button className="wb-btn wb-btn--primary" disabled={disabledProp(busy)} onClick={onApprove} data-testid="wd-approve">
            {t('withdraw.approve')}
          </Button>
        </View>
      )}
    </View>
  );
}

export default function WorkbenchReferralWithdrawals() {
  const { params } = useRouter();
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const [tab, setTab] = useState<WithdrawalTab>(() => parseTab(params.status));
  const list = useMerchantWithdrawals(canRun ? merchantId : '', tab);
  const decide = useDecideWithdrawal(merchantId);
  const intent = useIntentKey();
  const { run, busy } = useOneAtATime();
  const [rejecting, setRejecting] = useState<MerchantWithdrawal | null>(null);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const act = (w: MerchantWithdrawal, decision: WithdrawalDecision, confirmText: string, doneText: string) =>
    run(decision.kind, async () => {
      if (!(await confirmAction(confirmText))) return;
      await decide.mutateAsync({ withdrawalId: w.id, decision, idempotencyKey: intent.keyFor({ id: w.id, decision }) });
      intent.done();
      setRejecting(null);
      setReason('');
      toast(doneText, 'success');
    });

  const submitReject = () => {
    const text = reason.trim();
    if (!rejecting) return;
    if (!text) return setProblem(t('withdraw.rejectNeedReason'));
    setProblem(null);
    void act(rejecting, { kind: 'reject', reason: text }, t('withdraw.rejectConfirm'), t('withdraw.rejected'));
  };

  return (
    <>
      <WbList
        wb={wb}
        allowed={canRun}
        title={t('withdraw.reviewTitle')}
        list={list}
        itemKey={(item) => item.id}
        renderItem={(item) => (
          <WithdrawalRow
            item={item}
            busy={!!busy}
            onApprove={() => void act(item, { kind: 'approve' }, t('withdraw.approveConfirm'), t('withdraw.approved'))}
            onReject={() => {
              setProblem(null);
              setReason('');
              setRejecting(item);
            }}
          />
        )}
        tabs={{ tabs: WITHDRAWAL_TABS.map((key) => ({ key, label: t(`withdraw.tab.${key}`) })), active: tab, onChange: setTab }}
        emptyText={t('withdraw.empty')}
        emptyIcon={icons.ClipboardList}
        skeleton={<Skeleton rows={3} />}
      />
      {rejecting && (
        <Sheet title={t('withdraw.rejectTitle')} onClose={() => setRejecting(null)} testId="wd-reject-form">
          <Textarea className="wb-textarea" value={reason} maxlength={200} placeholder={t('withdraw.rejectPlaceholder')} onInput={(e) => setReason(e.detail.value)} data-testid="wd-reject-reason" />
          {problem && (
            <View className="wb-error" role="alert">
              {problem}
            </View>
          )}
          <View className="wb-actions">
            <Button className="wb-btn" onClick={() => setRejecting(null)}>
              {t('cancel')}
            </Button>
            <Button className="wb-btn wb-btn--primary" disabled={disabledProp(!!busy)} onClick={submitReject} data-testid="wd-reject-submit">
              {t('withdraw.submit')}
            </Button>
          </View>
        </Sheet>
      )}
    </>
  );
}
