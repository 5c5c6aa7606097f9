import type { StaffInvite, StaffMember, StaffRole } from '@contract';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useShareAppMessage } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { disabledProp, icons, Skeleton } from '@/components';
import { PageFrame } from '@/components/page-frame';
import { t } from '@/i18n/workbench';
import { staffRoleLabels } from '@/i18n/merchant';
import { useIntentKey } from '@/services/merchant/intent-key';
import { useInviteStaff, useRemoveStaff, useStaff, useUpdateStaff } from '@/services/merchant/staff';
import { h5PageUrl, PAGES } from '@/services/platform/nav';
import { confirmAction, errorText, formatTime, maskPhone, Sheet, toast, useOneAtATime, useWorkbench, wbFrame } from './shared';
import './workbench.css';

type Invitable = 'operator' | 'live_host' | 'kitchen';
const INVITABLE: readonly Invitable[] = ['operator', 'live_host', 'kitchen'];
const ROLES: readonly StaffRole[] = ['owner', 'operator', 'live_host', 'kitchen'];
type InviteMode = 'phone' | 'code';

const isH5 = () => process.env.TARO_ENV === 'h5';

function copy(text: string, done: string) {
  void Taro.setClipboardData({ data: text }).then(
    () => toast(done),
    () => undefined,
  );
}

/**
 * 邀请店员: by phone number (the phone's account joins at once, or at its first login, or by
 * the code) or by an invite code alone (for staff who sign in on a mini-program, which has no
 * phone number). Either way a new invite answers its code once; the caller shows it.
 */
function InviteSheet({ merchantId, onClose, onCreated }: { merchantId: string; onClose: () => void; onCreated: (invite: StaffInvite) => void }) {
  const invite = useInviteStaff(merchantId);
  const intent = useIntentKey();
  const [mode, setMode] = useState<InviteMode>('phone');
  const [phone, setPhone] = useState('');
  const [role, setRole] = useState<Invitable>('operator');
  const [problem, setProblem] = useState<string | null>(null);
  const pick = (m: InviteMode) => {
    setMode(m);
    setProblem(null);
  };
  const submit = async () => {
    if (invite.isPending) return;
    if (mode === 'phone' && !/^1\d{10}$/.test(phone.trim())) return setProblem(t('wb.staff.badPhone'));
    setProblem(null);
    const body = mode === 'phone' ? { phone: phone.trim(), role } : { role };
    try {
      const created = await invite.mutateAsync({ body, idempotencyKey: intent.keyFor(body) });
      intent.done();
      onCreated(created);
    } catch (e) {
      setProblem(errorText(e));
    }
  };
  return (
    <Sheet title={t('wb.staff.invite')} onClose={onClose} testId="wb-invite">
      <View className="wb-chips wb-field" role="tablist">
        {(['phone', 'code'] as const).map((m) => (
          <View
            key={m}
            className={`wb-chip${mode === m ? ' wb-chip--on' : ''}`}
            role="tab"
            aria-selected={mode === m}
            onClick={() => pick(m)}
            data-testid={`wb-invite-mode-${m}`}
          >
            {m === 'phone' ? t('wb.staff.inviteByPhone') : t('wb.staff.inviteByCode')}
          </View>
        ))}
      </View>
      <Text className="wb-muted wb-field" data-testid="wb-invite-hint">
        {mode === 'phone' ? t('wb.staff.byPhoneHint') : t('wb.staff.byCodeHint')}
      </Text>
      {mode === 'phone' && (
        <View>
          <Text className="wb-field__label">{t('wb.staff.phone')}</Text>
          <Input className="wb-input wb-field" type="number" maxlength={11} value={phone} placeholder={t('wb.staff.phonePlaceholder')} onInput={(e) => setPhone(e.detail.value)} data-testid="wb-invite-phone" />
        </View>
      )}
      <Text className="wb-field__label">{t('wb.staff.roleLabel')}</Text>
      <View className="wb-chips">
        {INVITABLE.map((r) => (
          <View key={r} className={`wb-chip${role === r ? ' wb-chip--on' : ''}`} aria-pressed={role === r} onClick={() => setRole(r)} data-testid={`wb-invite-role-${r}`}>
            {staffRoleLabels[r]}
          </View>
        ))}
      </View>
      {problem && <View className="wb-error" role="alert" data-testid="wb-invite-problem">{problem}</View>}
      <Button className="wb-btn wb-btn--primary wb-btn--block" disabled={disabledProp(invite.isPending)} onClick={() => void submit()} data-testid="wb-invite-submit">
        {mode === 'phone' ? t('wb.staff.sendInvite') : t('wb.staff.createCode')}
      </Button>
    </Sheet>
  );
}

/**
 * The new invite's code, shown this once (the server keeps only its hash): large, to copy, and
 * to pass on: on mini-programs a share card that opens the join page with the code, on H5 the
 * join page's link.
 */
function InviteResult({ invite, onClose }: { invite: StaffInvite & { inviteCode: string }; onClose: () => void }) {
  const code = invite.inviteCode;
  const link = isH5() ? h5PageUrl(PAGES.joinMerchant(code)) : '';
  return (
    <Sheet title={t('wb.staff.codeTitle')} onClose={onClose} testId="wb-invite-result">
      <View className="wb-invite-code" data-testid="wb-invite-code" aria-label={code.split('').join(' ')}>
        {code}
      </View>
      <Text className="wb-muted wb-invite-line">
        {t('wb.staff.codeFor', { role: staffRoleLabels[invite.role], time: invite.inviteExpiresAt ? formatTime(invite.inviteExpiresAt) : '' })}
      </Text>
      {invite.phone && <Text className="wb-muted wb-invite-line">{t('wb.staff.codePhone', { phone: maskPhone(invite.phone) })}</Text>}
      <Text className="wb-invite-once">{t('wb.staff.codeOnce')}</Text>
      <Button className="wb-btn wb-btn--primary wb-btn--block" onClick={() => copy(code, t('wb.staff.codeCopied'))} data-testid="wb-invite-copy">
        {t('wb.staff.copyCode')}
      </Button>
      {isH5() ? (
        <View className="wb-invite-link">
          <Text className="wb-field__label">{t('wb.staff.link')}</Text>
          <Text className="wb-invite-link__url" selectable data-testid="wb-invite-link">
            {link}
          </Text>
          <Button className="wb-btn wb-btn--block" onClick={() => copy(link, t('wb.staff.linkCopied'))} data-testid="wb-invite-copy-link">
            {t('wb.staff.copyLink')}
          </Button>
        </View>
      ) : (
        <Button className="wb-btn wb-btn--block" openType="share" data-testid="wb-invite-share">
          {t('wb.staff.share')}
        </Button>
      )}
      <Button className="wb-btn wb-btn--block" onClick={onClose} data-testid="wb-invite-done">
        {t('wb.staff.done')}
      </Button>
    </Sheet>
  );
}

/** What the staff list says of an invite still waiting: when its code stops working, or that it has. */
function inviteState(m: StaffMember, now: number): string {
  if (m.status === 'active') return t('wb.staff.joined');
  if (m.inviteExpiresAt === null) return t('wb.staff.pending');
  return `${t('wb.staff.pending')} · ${m.inviteExpiresAt > now ? t('wb.staff.codeExpires', { time: formatTime(m.inviteExpiresAt) }) : t('wb.staff.codeExpired')}`;
}

export default function WorkbenchStaff() {
  const wb = useWorkbench();
  const { merchantId, isOwner, workplace } = wb;
  const staff = useStaff(merchantId, isOwner);
  const update = useUpdateStaff(merchantId);
  const remove = useRemoveStaff(merchantId);
  const { run, busy } = useOneAtATime();
  const [changing, setChanging] = useState<string | null>(null);
  const [inviting, setInviting] = useState(false);
  const [shown, setShown] = useState<(StaffInvite & { inviteCode: string }) | null>(null);
  // What the share button passes on (read when the host asks, after the code is shown).
  const sharing = useRef<{ code: string; merchantName: string } | null>(null);
  sharing.current = shown ? { code: shown.inviteCode, merchantName: workplace?.merchantName ?? '' } : null;
  useShareAppMessage(() => {
    const s = sharing.current;
    // Shared from the menu with no code shown: the shop, not this owner-only page.
    if (!s) return { title: t('appName'), path: PAGES.home };
    return { title: t('wb.staff.shareTitle', { name: s.merchantName }), path: PAGES.joinMerchant(s.code) };
  });

  const items = staff.data?.items ?? [];
  const now = Date.now();
  const name = (m: StaffMember) => m.nickname ?? (m.phone ? maskPhone(m.phone) : t('wb.staff.codeOnly'));

  const created = (invite: StaffInvite) => {
    setInviting(false);
    if (invite.inviteCode) return setShown({ ...invite, inviteCode: invite.inviteCode });
    if (invite.status === 'active') return toast(t('wb.staff.joinedNow'));
    // A replay of a request whose answer was lost: the code was shown once already.
    void Taro.showModal({ title: t('wb.confirmTitle'), content: t('wb.staff.codeLost'), showCancel: false, confirmText: t('confirm') });
  };

  const changeRole = (m: StaffMember, role: StaffRole) =>
    run(`role-${m.id}`, async () => {
      if (role === m.role) return setChanging(null);
      await update.mutateAsync({ staffId: m.id, role });
      setChanging(null);
      toast(t('wb.staff.roleChanged'), 'success');
    });

  const removeMember = (m: StaffMember) =>
    run(`remove-${m.id}`, async () => {
      if (!(await confirmAction(t('wb.staff.removeConfirm', { name: name(m) })))) return;
      await remove.mutateAsync({ staffId: m.id });
      toast(t('wb.staff.removed'), 'success');
    });

  return (
    <PageFrame
      {...wbFrame(wb, isOwner, t('wb.staff.ownerOnly'))}
      title={t('wb.staff.title')}
      query={staff}
      shown={items.length > 0}
      isEmpty={items.length === 0}
      emptyText={t('wb.staff.empty')}
      emptyIcon={icons.UserRound}
      skeleton={<Skeleton rows={4} avatar />}
      after={
        <>
          {isOwner && (
            <View className="wb-card">
              <Text className="wb-muted">{t('wb.staff.inviteHint')}</Text>
              <Button className="wb-btn wb-btn--primary wb-btn--block" onClick={() => setInviting(true)} data-testid="wb-invite-open">
                {t('wb.staff.invite')}
              </Button>
            </View>
          )}
          {inviting && <InviteSheet merchantId={merchantId} onClose={() => setInviting(false)} onCreated={created} />}
          {shown && <InviteResult invite={shown} onClose={() => setShown(null)} />}
        </>
      }
    >
      <View className="wb-card">
        {items.map((m) => {
          const me = m.id === workplace?.staffId;
          return (
            <View key={m.id} className="wb-staff" data-testid="wb-staff">
              <View className="wb-staff__row">
                <View className="wb-staff__who">
                  <Text className="wb-staff__name">
                    {name(m)}
                    {me ? t('wb.staff.you') : ''}
                  </Text>
                  <Text className="wb-muted">
                    <Text className={`wb-badge${m.role === 'owner' ? '' : ' wb-badge--plain'}`}>{staffRoleLabels[m.role]}</Text>
                    {m.phone ? `${maskPhone(m.phone)} · ` : ''}
                    {inviteState(m, now)}
                  </Text>
                </View>
                {!me && (
                  <View className="wb-staff__actions">
                    <Button className="wb-btn" size="mini" disabled={disabledProp(!!busy)} onClick={() => setChanging(changing === m.id ? null : m.id)} data-testid="wb-staff-role">
                      {t('wb.staff.changeRole')}
                    </Button>
                    <Button className="wb-btn wb-btn--danger" size="mini" disabled={disabledProp(!!busy)} onClick={() => void removeMember(m)} data-testid="wb-staff-remove">
                      {t('wb.staff.remove')}
                    </Button>
                  </View>
                )}
              </View>
              {changing === m.id && (
                <View className="wb-chips wb-staff__roles">
                  {ROLES.map((r) => (
                    <View key={r} className={`wb-chip${m.role === r ? ' wb-chip--on' : ''}`} aria-pressed={m.role === r} onClick={() => void changeRole(m, r)}>
                      {staffRoleLabels[r]}
                    </View>
                  ))}
                </View>
              )}
            </View>
          );
        })}
      </View>
    </PageFrame>
  );
}
