import type { HoldReason, ReferralHold, ReferralHoldTab } from '@contract/referral-holds';
import { formatPrice } from '@contract/money';
import { Button, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { useState } from 'react';
import { disabledProp, icons, Price, Skeleton } from '@/components';
import { t } from '@/i18n/workbench';
import { type ReferralHoldDecision, useDecideReferralHold, useReferralHolds } from '@/services/merchant/referral-holds';
import { useIntentKey } from '@/services/merchant/intent-key';
import { confirmAction, formatTime, Row, toast, useOneAtATime, useWorkbench, WbList } from './shared';
import './workbench.css';

/**
 * The queue of commissions fraud controls held on the merchant's orders (docs/referral.md,
 * "Fraud controls"): open ones wait for the owner or an operator to release them (they settle
 * as usual once their window passed) or reject them (reversed); the decided ones below.
 */
export const HOLD_TABS: readonly ReferralHoldTab[] = ['open', 'decided'];

/** A reason as the merchant reads it (which signal matched, never the shopper's data). */
export function holdReasonText(r: HoldReason): string {
  switch (r.code) {
    case 'velocity':
      return t('holds.reason.velocity', { minutes: r.windowMinutes, bindings: r.bindings, max: r.max });
    case 'risk_rank':
      return t('holds.reason.risk_rank', { rank: r.rank });
    default:
      return t(`holds.reason.${r.code}`);
  }
}

const STATE_LABEL = { open: 'holds.stateOpen', released: 'holds.stateReleased', rejected: 'holds.stateRejected' } as const;

function HoldCard({ hold, busy, onDecide }: { hold: ReferralHold; busy: string | null; onDecide: (hold: ReferralHold, decision: ReferralHoldDecision) => void }) {
  const open = hold.state === 'open';
  return (
    <View className="wb-card" data-testid="wb-hold">
      <View className="wb-order__head">
        <Text>
          <Text className="wb-badge">{t('holds.level', { level: hold.level })}</Text>
          <Text className="wb-muted">{t('holds.orderNo', { no: hold.orderNo })}</Text>
        </Text>
        <Text className={`wb-status${open ? '' : ' wb-status--done'}`} data-testid="wb-hold-state">
          {t(STATE_LABEL[hold.state])}
        </Text>
      </View>
      <Row label={t('holds.reasons')}>
        <View data-testid="wb-hold-reasons">
          {hold.reasons.map((r) => (
            <Text key={r.code} className="wb-hold__reason">
              {holdReasonText(r)}
            </Text>
          ))}
        </View>
      </Row>
      <Row label={t('holds.promoter')}>
        <Text>{[hold.promoter.nickname, hold.promoter.phone].filter(Boolean).join(' ')}</Text>
      </Row>
      <Row label={t('holds.buyer')}>
        <Text>{[hold.buyer.nickname, hold.buyer.phone].filter(Boolean).join(' ')}</Text>
      </Row>
      {hold.titles.length > 0 && (
        <Row label={t('holds.goods')}>
          <Text>{hold.titles.join('、')}</Text>
        </Row>
      )}
      <Row label={t('holds.amount')}>
        <View>
          <Price fen={hold.amount} size="sm" />
          {hold.earned !== hold.amount && <Text className="wb-muted">{` ${t('holds.earned', { amount: formatPrice(hold.earned) })}`}</Text>}
        </View>
      </Row>
      {hold.note && <Text className="wb-muted">{t('holds.note', { note: hold.note })}</Text>}
      <View className="wb-order__foot">
        <Text className="wb-muted">{hold.decidedAt ? t('holds.decidedAt', { time: formatTime(hold.decidedAt) }) : t('holds.createdAt', { time: formatTime(hold.createdAt) })}</Text>
      </View>
      {open && (
        <View className="wb-actions">
          <Button className="wb-btn wb-btn--danger" disabled={disabledProp(!!busy)} onClick={() => onDecide(hold, { kind: 'reject' })} data-testid="wb-hold-reject">
            {t('holds.reject')}
          </Button>
          <Button className="wb-btn wb-btn--primary" disabled={disabledProp(!!busy)} onClick={() => onDecide(hold, { kind: 'release' })} data-testid="wb-hold-release">
            {t('holds.release')}
          </Button>
        </View>
      )}
    </View>
  );
}

function parseTab(raw: string | undefined): ReferralHoldTab {
  return HOLD_TABS.find((tab) => tab === raw) ?? 'open';
}

export default function WorkbenchReferralHolds() {
  const { params } = useRouter();
  const wb = useWorkbench();
  const { merchantId, canRun } = wb;
  const [tab, setTab] = useState<ReferralHoldTab>(() => parseTab(params.state));
  const list = useReferralHolds(canRun ? merchantId : '', tab);
  const decide = useDecideReferralHold(merchantId);
  const intent = useIntentKey();
  const { run, busy } = useOneAtATime();

  const onDecide = (hold: ReferralHold, decision: ReferralHoldDecision) =>
    void run(decision.kind, async () => {
      const question = decision.kind === 'release' ? t('holds.releaseConfirm') : t('holds.rejectConfirm', { amount: formatPrice(hold.amount) });
      if (!(await confirmAction(question))) return;
      await decide.mutateAsync({ holdId: hold.id, decision, idempotencyKey: intent.keyFor({ id: hold.id, decision }) });
      intent.done();
      toast(decision.kind === 'release' ? t('holds.releasedToast') : t('holds.rejectedToast'), 'success');
    });

  return (
    <WbList
      wb={wb}
      allowed={canRun}
      forbiddenText={t('holds.forbidden')}
      title={t('holds.title')}
      list={list}
      itemKey={(item) => item.id}
      renderItem={(item) => <HoldCard hold={item} busy={busy} onDecide={onDecide} />}
      tabs={{
        tabs: [
          { key: 'open', label: t('holds.tabOpen') },
          { key: 'decided', label: t('holds.tabDecided') },
        ],
        active: tab,
        onChange: setTab,
      }}
      emptyText={tab === 'open' ? t('holds.empty') : t('holds.emptyDecided')}
      emptyIcon={icons.ClipboardList}
      skeleton={<Skeleton rows={3} />}
    />
  );
}
