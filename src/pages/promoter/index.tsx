import type { ReferralApplication, ReferralMe } from '@contract/referral';
import type { ReferralEarnings } from '@contract/referral-commission';
import { fenToYuanString, formatPrice } from '@contract/money';
import { Button, Text, Textarea, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { disabledProp, Icon, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { errorMessage } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { referralLevelLabels } from '@/i18n/referral';
import { useLoginGate } from '@/services/checkout/login-gate';
import { newIdempotencyKey } from '@/services/http';
import { openPage, PAGES } from '@/services/platform/nav';
import { useApplyReferralPromoter } from '@/services/referral/applyReferralPromoter';
import { useReferralEarnings } from '@/services/referral/getReferralEarnings';
import { useReferralMe } from '@/services/referral/getReferralMe';
import { formatDate, formatDateTime } from './format';
import * as pmIcons from './icons';
import './promoter.css';

const BRAND = '#d12b30';

function toast(title: string, icon: 'none' | 'success' = 'none') {
  void Taro.showToast({ title, icon, duration: 2000 });
}

function showRules() {
  void Taro.showModal({ title: t('centre.rules'), content: t('centre.rulesText'), showCancel: false, confirmText: t('centre.rulesOk') });
}

const TOOLS = [
  { key: 'team', label: t('centre.nav.team'), icon: pmIcons.Users, url: () => PAGES.promoterTeam() },
  { key: 'commissions', label: t('centre.nav.commissions'), icon: pmIcons.ReceiptText, url: () => PAGES.promoterCommissions() },
  { key: 'leaderboard', label: t('centre.nav.leaderboard'), icon: pmIcons.Trophy, url: () => PAGES.promoterLeaderboard },
  { key: 'posters', label: t('centre.nav.posters'), icon: pmIcons.Images, url: () => PAGES.promoterPosters },
  { key: 'withdraw', label: t('centre.nav.withdraw'), icon: pmIcons.Banknote, url: () => PAGES.promoterWithdraw },
] as const;

/** The four smaller figures under the available amount; each but owed opens its commissions. */
const STATES: { key: Exclude<keyof ReferralEarnings, 'available' | 'withdrawing' | 'withdraw'>; label: string; tab?: string }[] = [
  { key: 'pending', label: t('centre.pending'), tab: 'pending' },
  { key: 'frozen', label: t('centre.frozen'), tab: 'frozen' },
  { key: 'withdrawn', label: t('centre.withdrawn'), tab: 'withdrawn' },
  { key: 'owed', label: t('centre.owed') },
];

function EarningsCard({ earnings }: { earnings: ReturnType<typeof useReferralEarnings> }) {
  const e = earnings.data;
  const failed = earnings.isError && !e;
  const figure = (fen: number | undefined) => (fen === undefined ? '--' : fenToYuanString(fen));
  return (
    <View className="pm-head" data-testid="pm-earnings">
      <View className="pm-head__top">
        <Text className="pm-head__label">{t('centre.available')}</Text>
        <View className="pm-head__help" onClick={showRules} data-testid="pm-rules">
          <Icon svg={pmIcons.CircleHelp} size={28} color="#ffffff" />
          <Text>{t('centre.rules')}</Text>
        </View>
      </View>
      <View className="pm-head__main">
        {failed ? (
          <Text className="pm-head__retry" onClick={() => void earnings.refetch()} data-testid="pm-earnings-retry">
            {t('loadMoreFailed')}
          </Text>
        ) : (
          <Text className="pm-head__amount" data-testid="pm-available">
            {figure(e?.available)}
          </Text>
        )}
        <Button className="pm-head__withdraw" onClick={() => void openPage(PAGES.promoterWithdraw)} data-testid="pm-withdraw">
          {t('centre.withdraw')}
        </Button>
      </View>
      <View className="pm-head__states">
        {STATES.map((s) => (
          <View
            key={s.key}
            className="pm-state"
            onClick={s.tab ? () => void openPage(PAGES.promoterCommissions(s.tab)) : undefined}
            data-testid={`pm-state-${s.key}`}
          >
            <Text className="pm-state__value">{figure(e?.[s.key])}</Text>
            <Text className="pm-state__label">{s.label}</Text>
          </View>
        ))}
      </View>
    </View>
  );
}

function PromoterHome({ me, earnings }: { me: ReferralMe; earnings: ReturnType<typeof useReferralEarnings> }) {
  const owed = earnings.data?.owed ?? 0;
  const teamTotal = me.team.reduce((n, l) => n + l.count, 0);
  return (
    <>
      <EarningsCard earnings={earnings} />
      {owed > 0 && (
        <View className="pm-notice" role="note" data-testid="pm-owed-notice">
          {t('centre.owedNotice', { amount: formatPrice(owed) })}
        </View>
      )}

      <View className="pm-card">
        <View className="pm-card__title">{t('centre.tools')}</View>
        <View className="pm-tools">
          {TOOLS.map((tool) => (
            <View key={tool.key} className="pm-tool" onClick={() => void openPage(tool.url())} data-testid={`pm-tool-${tool.key}`}>
              <View className="pm-tool__icon">
                <Icon svg={tool.icon} size={44} color={BRAND} />
              </View>
              <Text className="pm-tool__label">{tool.label}</Text>
            </View>
          ))}
        </View>
      </View>

      <View className="pm-card">
        <View className="pm-card__title" onClick={() => void openPage(PAGES.promoterTeam())} data-testid="pm-team-more">
          <Text>{t('centre.team')}</Text>
          <View className="pm-card__more">
            <Text>{`${t('team.total', { n: teamTotal })} · ${t('centre.teamMore')}`}</Text>
            <Icon svg={pmIcons.ChevronRight} size={28} color="#707070" />
          </View>
        </View>
        <View className="pm-team">
          {me.team.map((l) => (
            <View key={l.level} className="pm-team__level" onClick={() => void openPage(PAGES.promoterTeam(l.level))} data-testid={`pm-team-level-${l.level}`}>
              <Text className="pm-team__count">{l.count}</Text>
              <Text className="pm-team__label">{t('centre.teamLevel', { level: referralLevelLabels[l.level] ?? String(l.level) })}</Text>
            </View>
          ))}
        </View>
      </View>
    </>
  );
}

/** Who referred the shopper (masked), shown to promoters and everyone else alike. */
function Referrer({ me }: { me: ReferralMe }) {
  return (
    <View className="pm-card pm-row" data-testid="pm-referrer">
      <Text className="pm-row__label">{t('centre.referrer')}</Text>
      {me.promoter ? (
        <View className="pm-row__value">
          <Text className="pm-row__name">{me.promoter.nickname}</Text>
          <Text className="pm-muted">{t('centre.referrerSince', { date: formatDate(me.promoter.boundAt) })}</Text>
        </View>
      ) : (
        <Text className="pm-muted">{t('centre.referrerNone')}</Text>
      )}
    </View>
  );
}

function ApplicationStatus({ application }: { application: ReferralApplication }) {
  if (application.status === 'pending') {
    return (
      <View className="pm-apply-status pm-apply-status--pending" data-testid="pm-application" data-status="pending">
        <Icon svg={pmIcons.Hourglass} size={40} color="#ad5b00" />
        <View className="pm-apply-status__body">
          <Text className="pm-apply-status__title">{t('centre.join.pending')}</Text>
          <Text className="pm-muted">{t('centre.join.pendingHint', { time: formatDateTime(application.createdAt) })}</Text>
          {application.note && <Text className="pm-muted">{t('centre.join.yourNote', { note: application.note })}</Text>}
        </View>
      </View>
    );
  }
  if (application.status === 'rejected') {
    return (
      <View className="pm-apply-status pm-apply-status--rejected" data-testid="pm-application" data-status="rejected">
        <View className="pm-apply-status__body">
          <Text className="pm-apply-status__title">{t('centre.join.rejected')}</Text>
          {application.reason && <Text className="pm-apply-status__reason">{t('centre.join.rejectedReason', { reason: application.reason })}</Text>}
          <Text className="pm-muted">{t('centre.join.applyAgain')}</Text>
        </View>
      </View>
    );
  }
  return null;
}

function ApplyForm() {
  const apply = useApplyReferralPromoter();
  const [note, setNote] = useState('');
  // One key per intent: the same note sent again after a failure is the same application.
  const intent = useRef<{ note: string; key: string } | null>(null);
  const submit = async () => {
    if (apply.isPending) return;
    if (!intent.current || intent.current.note !== note.trim()) intent.current = { note: note.trim(), key: newIdempotencyKey() };
    try {
      await apply.mutateAsync({ note, idempotencyKey: intent.current.key });
      intent.current = null;
      toast(t('centre.join.submitted'), 'success');
    } catch (e) {
      toast(e instanceof Error ? e.message : errorMessage('UNKNOWN'));
    }
  };
  return (
    <View className="pm-apply" data-testid="pm-apply">
      <Text className="pm-apply__label">{t('centre.join.noteLabel')}</Text>
      <Textarea
        className="pm-apply__note"
        value={note}
        maxlength={200}
        placeholder={t('centre.join.notePlaceholder')}
        onInput={(e) => setNote(e.detail.value)}
        data-testid="pm-apply-note"
      />
      <Button className="btn-primary pm-submit" disabled={disabledProp(apply.isPending)} onClick={() => void submit()} data-testid="pm-apply-submit">
        {apply.isPending ? t('centre.join.submitting') : t('centre.join.submit')}
      </Button>
    </View>
  );
}

function Policy({ me }: { me: ReferralMe }) {
  if (me.policy === 'min_spend' && me.minSpend !== null) {
    const spent = me.spent ?? 0;
    const percent = me.minSpend > 0 ? Math.min(100, Math.floor((spent * 100) / me.minSpend)) : 100;
    return (
      <View className="pm-card" data-testid="pm-policy" data-policy="min_spend">
        <Text className="pm-policy__title">{t('centre.join.minSpend', { amount: formatPrice(me.minSpend) })}</Text>
        <View className="pm-progress" role="progressbar" aria-valuenow={percent} aria-valuemin={0} aria-valuemax={100}>
          <View className="pm-progress__bar" style={{ width: `${percent}%` }} />
        </View>
        <Text className="pm-muted" data-testid="pm-progress-text">
          {t('centre.join.progress', { spent: formatPrice(spent), left: formatPrice(Math.max(0, me.minSpend - spent)) })}
        </Text>
        <Button className="btn-primary pm-submit" onClick={() => void openPage(PAGES.home)} data-testid="pm-shop">
          {t('centre.join.shop')}
        </Button>
      </View>
    );
  }
  if (me.policy === 'approved') {
    return (
      <View className="pm-card" data-testid="pm-policy" data-policy="approved">
        <Text className="pm-policy__title">{t('centre.join.apply')}</Text>
        <Text className="pm-muted">{t('centre.join.applyHint')}</Text>
        {me.application && <ApplicationStatus application={me.application} />}
        {me.canApply && <ApplyForm />}
      </View>
    );
  }
  return (
    <View className="pm-card" data-testid="pm-policy" data-policy={me.policy}>
      <Text className="pm-policy__title">{t('centre.join.everyone')}</Text>
    </View>
  );
}

function JoinPanel({ me }: { me: ReferralMe }) {
  const benefits = [
    { icon: pmIcons.Images, label: t('centre.join.benefitPoster') },
    { icon: pmIcons.UserPlus, label: t('centre.join.benefitEarn') },
    { icon: pmIcons.Wallet, label: t('centre.join.benefitWithdraw') },
  ];
  return (
    <View data-testid="pm-join">
      <View className="pm-head pm-head--join">
        <Text className="pm-join__title">{t('centre.join.title')}</Text>
        <Text className="pm-join__subtitle">{t('centre.join.subtitle')}</Text>
        <View className="pm-join__benefits">
          {benefits.map((b) => (
            <View key={b.label} className="pm-join__benefit">
              <View className="pm-join__benefit-icon">
                <Icon svg={b.icon} size={40} color={BRAND} />
              </View>
              <Text className="pm-join__benefit-label">{b.label}</Text>
            </View>
          ))}
        </View>
      </View>
      <Policy me={me} />
    </View>
  );
}

/**
 * The promoter centre (分销中心). A promoter sees his commissions by state (available large,
 * with 提现), his tools, his team by level and who referred him; anyone else sees how to become
 * one under the policy in force: spend a threshold (with the progress) or apply (the form, then
 * the application's status).
 */
export default function PromoterCentre() {
  const me = useReferralMe();
  const isPromoter = me.data?.isPromoter === true;
  const earnings = useReferralEarnings(isPromoter);
  useLoginGate(me.error, me.refetch);

  useDidShow(() => {
    // Back from a withdrawal or a poster: the figures may have moved.
    if (me.data) void me.refetch();
    if (isPromoter) void earnings.refetch();
  });

  // Pulling down refreshes the money too.
  const frame = { ...me, refetch: () => Promise.all([me.refetch(), isPromoter ? earnings.refetch() : null]) };

  return (
    <PageFrame
      title={t('centre.title')}
      className="pm"
      query={frame}
      skeleton={
        <>
          <Skeleton rows={3} />
          <Skeleton rows={2} />
        </>
      }
    >
      {me.data && (
        <>
          {me.data.isPromoter ? <PromoterHome me={me.data} earnings={earnings} /> : <JoinPanel me={me.data} />}
          <Referrer me={me.data} />
        </>
      )}
    </PageFrame>
  );
}
