import type { StaffMember, StaffRole } from '@contract';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { usePullDownRefresh } from '@tarojs/taro';
import { useState } from 'react';
import { disabledProp, icons, OfflineBanner, PageState, Skeleton, TitleBar } from '@/components';
import { t } from '@/i18n/messages';
import { staffRoleLabels } from '@/i18n/merchant';
import { useIntentKey } from '@/services/merchant/intent-key';
import { useInviteStaff, useRemoveStaff, useStaff, useUpdateStaff } from '@/services/merchant/staff';
import { confirmAction, errorText, Forbidden, maskPhone, toast, useOneAtATime, useWorkbench } from './shared';
import './workbench.css';

const INVITABLE: readonly StaffRole[] = ['operator', 'live_host', 'kitchen'];
const ROLES: readonly StaffRole[] = ['owner', 'operator', 'live_host', 'kitchen'];

function InviteForm({ merchantId }: { merchantId: string }) {
  const invite = useInviteStaff(merchantId);
  const intent = useIntentKey();
  const [phone, setPhone] = useState('');
  const [role, setRole] = useState<StaffRole>('operator');
  const [problem, setProblem] = useState<string | null>(null);
  const submit = async () => {
    if (invite.isPending) return;
    if (!/^1\d{10}$/.test(phone.trim())) return setProblem(t('wb.staff.badPhone'));
    setProblem(null);
    const body = { phone: phone.trim(), role: role as 'operator' | 'live_host' | 'kitchen' };
    try {
      await invite.mutateAsync({ body, idempotencyKey: intent.keyFor(body) });
      intent.done();
      setPhone('');
      toast(t('wb.staff.invited'));
    } catch (e) {
      setProblem(errorText(e));
    }
  };
  return (
    <View className="wb-card" data-testid="wb-invite">
      <View className="wb-card__title">{t('wb.staff.invite')}</View>
      <Text className="wb-field__label">{t('wb.staff.phone')}</Text>
      <Input className="wb-input wb-field" type="number" maxlength={11} value={phone} placeholder={t('wb.staff.phonePlaceholder')} onInput={(e) => setPhone(e.detail.value)} data-testid="wb-invite-phone" />
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
        {t('wb.staff.sendInvite')}
      </Button>
    </View>
  );
}

export default function WorkbenchStaff() {
  const { merchantId, isOwner, workplace, workplaceQuery } = useWorkbench();
  const staff = useStaff(merchantId, isOwner);
  const update = useUpdateStaff(merchantId);
  const remove = useRemoveStaff(merchantId);
  const { run, busy } = useOneAtATime();
  const [changing, setChanging] = useState<string | null>(null);
  usePullDownRefresh(() => {
    void staff.refetch().finally(() => Taro.stopPullDownRefresh());
  });

  if (workplaceQuery.data && !isOwner) {
    return (
      <View className="wb">
        <TitleBar title={t('wb.staff.title')} />
        <Forbidden text={t('wb.staff.ownerOnly')} />
      </View>
    );
  }

  const items = staff.data?.items ?? [];
  const name = (m: StaffMember) => m.nickname ?? (m.phone ? maskPhone(m.phone) : '');

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
    <View className="wb">
      <TitleBar title={t('wb.staff.title')} />
      <OfflineBanner />
      <PageState
        isLoading={staff.isLoading || workplaceQuery.isLoading}
        isError={staff.isError && items.length === 0}
        error={staff.error}
        isEmpty={items.length === 0}
        emptyText={t('wb.staff.empty')}
        emptyIcon={icons.UserRound}
        onRetry={() => void staff.refetch()}
        showHome={false}
        skeleton={<Skeleton rows={4} avatar />}
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
                      {m.phone ? maskPhone(m.phone) : ''} · {m.status === 'active' ? t('wb.staff.joined') : t('wb.staff.pending')}
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
      </PageState>
      {isOwner && <InviteForm merchantId={merchantId} />}
    </View>
  );
}
