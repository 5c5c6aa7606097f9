import type { ReferralApplicationStatus } from '@contract/referral';
import { Button, Text, Textarea, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { disabledProp, icons, Skeleton } from '@/components';
import { t } from '@/i18n/workbench';
import { referralApplicationStatusLabels } from '@/i18n/merchant';
import { isApiError } from '@/services/http';
import { useIntentKey } from '@/services/merchant/intent-key';
import { type ApplicationDecision, type MerchantReferralApplication, useDecideReferralApplication, useReferralApplications } from '@/services/merchant/referral';
import { confirmAction, errorText, formatTime, Sheet, toast, useOneAtATime, useWorkbench, WbList } from './shared';
import './workbench.css';
import './referral.css';

const TABS: readonly ReferralApplicationStatus[] = ['pending', 'approved', 'rejected'];

function parseTab(raw: string | undefined): ReferralApplicationStatus {
  return TABS.find((tab) => tab === raw) ?? 'pending';
}

const nameOf = (a: MerchantReferralApplication) => a.nickname || t('wb.referral.apps.noNickname');

function ApplicationRow({ item, busy, onApprove, onReject }: { item: MerchantReferralApplication; busy: boolean; onApprove: () => void; onReject: () => void }) {
  const pending = item.status === 'pending';
  return (
    <View className="wb-card" data-testid="ref-app">
      <View className="wb-ref-app__head">
        <View className="wb-ref-app__who">
          <Text className="wb-ref-app__name">{nameOf(item)}</Text>
          <Text className="wb-muted">{[item.phone, t('wb.referral.apps.appliedAt', { time: formatTime(item.createdAt) })].filter(Boolean).join(' · ')}</Text>
          {item.decidedAt !== null && <Text className="wb-muted">{t('wb.referral.apps.decidedAt', { time: formatTime(item.decidedAt) })}</Text>}
        </View>
        <Text className={`wb-status${pending ? '' : ' wb-status--done'}`}>{referralApplicationStatusLabels[item.status]}</Text>
      </View>
      {item.note && (
        <Text className="wb-ref-app__text" data-testid="ref-app-note">
          {t('wb.referral.apps.noteText', { note: item.note })}
        </Text>
      )}
      {item.reason && (
        <Text className="wb-ref-app__text" data-testid="ref-app-reason">
          {t('wb.referral.apps.reasonText', { reason: item.reason })}
        </Text>
      )}
      {pending && (
        <View className="wb-actions">
          <Button className="wb-btn wb-btn--danger" disabled={disabledProp(busy)} onClick={onReject} data-testid="ref-app-reject">
            {t('wb.referral.apps.reject')}
          </Button>
          <Button className="wb-btn wb-btn--primary" disabled={disabledProp(busy)} onClick={onApprove} data-testid="ref-app-approve">
            {t('wb.referral.apps.approve')}
          </Button>
        </View>
      )}
    </View>
  );
}

/**
 * 推广员申请 (REFERRAL_PROMOTERS=approved; docs/referral.md, "Who may promote"): the operating
 * merchant's owners and operators approve or reject with a reason. Any other merchant has none
 * (the server answers 404), and the page says who decides them.
 */
export default function WorkbenchReferralApplications() {
  const { params } = useRouter();
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const [tab, setTab] = useState<ReferralApplicationStatus>(() => parseTab(params.status));
  const list = useReferralApplications(canRun ? merchantId : '', tab);
  // Only the operating merchant has applications; any other answers 404: say who decides them, with nothing to retry.
  const notOperator = isApiError(list.error) && list.error.status === 404;
  const decide = useDecideReferralApplication(merchantId);
  const intent = useIntentKey();
  const { run, busy } = useOneAtATime();
  const [rejecting, setRejecting] = useState<MerchantReferralApplication | null>(null);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const send = async (a: MerchantReferralApplication, decision: ApplicationDecision) => {
    try {
      await decide.mutateAsync({ applicationId: a.id, decision, idempotencyKey: intent.keyFor({ id: a.id, decision }) });
      intent.done();
      toast(decision.kind === 'approve' ? t('wb.referral.apps.approved') : t('wb.referral.apps.rejected'), 'success');
      return true;
    } catch (e) {
      // Decided meanwhile (by someone else): the lists refetch; say so rather than the generic message.
      if (isApiError(e) && e.code === 'ILLEGAL_TRANSITION') {
        intent.done();
        throw new Error(t('wb.referral.apps.alreadyDecided'));
      }
      throw e;
    }
  };

  const approve = (a: MerchantReferralApplication) =>
    run(`approve-${a.id}`, async () => {
      if (!(await confirmAction(t('wb.referral.apps.approveConfirm', { name: nameOf(a) })))) return;
      await send(a, { kind: 'approve' });
    });

  const openReject = (a: MerchantReferralApplication) => {
    setRejecting(a);
    setReason('');
    setProblem(null);
  };

  const submitReject = () => {
    const a = rejecting;
    if (!a) return;
    const text = reason.trim();
    if (!text) return setProblem(t('wb.referral.apps.rejectNeedReason'));
    setProblem(null);
    void run(`reject-${a.id}`, async () => {
      try {
        await send(a, { kind: 'reject', reason: text });
        setRejecting(null);
      } catch (e) {
        setProblem(errorText(e));
      }
    });
  };

  return (
    <WbList
      wb={wb}
      allowed={canRun && !notOperator}
      forbiddenText={notOperator ? t('wb.referral.apps.notOperator') : undefined}
      title={t('wb.referral.apps.title')}
      list={list}
      itemKey={(a) => a.id}
      renderItem={(a) => <ApplicationRow item={a} busy={!!busy} onApprove={() => void approve(a)} onReject={() => openReject(a)} />}
      tabs={{ tabs: TABS.map((key) => ({ key, label: referralApplicationStatusLabels[key] })), active: tab, onChange: setTab }}
      emptyText={tab === 'pending' ? t('wb.referral.apps.emptyPending') : t('wb.referral.apps.empty')}
      emptyIcon={icons.UserRound}
      skeleton={<Skeleton rows={3} avatar />}
      after={
        rejecting && (
          <Sheet title={t('wb.referral.apps.rejectTitle')} onClose={() => setRejecting(null)} testId="ref-reject">
            <Text className="wb-muted wb-field">{nameOf(rejecting)}</Text>
            <Textarea
              className="wb-textarea"
              value={reason}
              maxlength={200}
              placeholder={t('wb.referral.apps.rejectPlaceholder')}
              onInput={(e) => setReason(e.detail.value)}
              data-testid="ref-reject-reason"
            />
            {problem && (
              <View className="wb-error" role="alert" data-testid="ref-reject-problem">
                {problem}
              </View>
            )}
            <Button className="wb-btn wb-btn--primary wb-btn--block" disabled={disabledProp(!!busy)} onClick={submitReject} data-testid="ref-reject-submit">
              {t('wb.referral.apps.rejectSubmit')}
            </Button>
          </Sheet>
        )
      }
    />
  );
}
