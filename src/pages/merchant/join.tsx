import { Button, Input, Text, View } from '@tarojs/components';
import { useRouter } from '@tarojs/taro';
import { type ReactNode, useState } from 'react';
import { disabledProp, OfflineBanner, PageError, pageErrorKind, Picture, Skeleton, TitleBar } from '@/components';
import { t } from '@/i18n/workbench';
import { staffRoleLabels } from '@/i18n/merchant';
import { isApiError } from '@/services/http';
import { useIntentKey } from '@/services/merchant/intent-key';
import { isInviteCode, normalizeInviteCode, useAcceptStaffInvite, useStaffInvite } from '@/services/merchant/invites';
import { openPage, PAGES, replacePage } from '@/services/platform/nav';
import { useIsLoggedIn } from '@/stores/session';
import { useWorkbenchStore } from '@/stores/workbench';
import { errorText, formatTime, toast } from './shared';
import './workbench.css';

/** Answers that trying the same code again may change (the network, the server); the others ask for another code. */
const PASSING = new Set(['NETWORK', 'TIMEOUT', 'INTERNAL', 'SERVICE_UNAVAILABLE']);

/** The page with one card under its title: signing in first, or typing a code. */
function JoinCard({ testId, children }: { testId: string; children: ReactNode }) {
  return (
    <View className="wb">
      <TitleBar title={t('wb.join.title')} />
      <OfflineBanner />
      <View className="wb-card" data-testid={testId}>
        <View className="wb-card__title">{t('wb.join.title')}</View>
        {children}
      </View>
    </View>
  );
}

/**
 * 加入店铺: a person joins a merchant's staff with an invite code, on any platform. The code
 * comes in the page's link (an owner's shared card or H5 link: `?code=`) or is typed. It needs
 * a signed-in account (the login page brings them back here); the invite is previewed (the
 * merchant, the role, the code's expiry), and 加入店铺 takes it and opens that merchant's
 * workbench. Every problem shows its message from the catalog.
 */
export default function JoinMerchant() {
  const { params } = useRouter();
  const fromLink = normalizeInviteCode(params.code ?? '');
  const loggedIn = useIsLoggedIn();
  // The code being looked at; what is typed becomes it after a check of its shape.
  const [code, setCode] = useState(isInviteCode(fromLink) ? fromLink : '');
  const [typed, setTyped] = useState(isInviteCode(fromLink) ? '' : fromLink);
  const [problem, setProblem] = useState<string | null>(null);
  const [member, setMember] = useState(false);
  const invite = useStaffInvite(code, loggedIn);
  const accept = useAcceptStaffInvite();
  const intent = useIntentKey();
  const choose = useWorkbenchStore((s) => s.choose);

  const look = () => {
    const c = normalizeInviteCode(typed);
    if (!isInviteCode(c)) return setProblem(t('wb.join.badCode'));
    setProblem(null);
    setCode(c);
  };

  const another = () => {
    setCode('');
    setTyped('');
    setProblem(null);
    setMember(false);
    accept.reset();
  };

  // The shop's switch to the workbench: this merchant is the one to open from now on.
  const openWorkbench = (merchantId: string) => {
    choose(merchantId);
    void replacePage(PAGES.workbench(merchantId));
  };

  const join = async () => {
    if (accept.isPending) return;
    setProblem(null);
    try {
      const workplace = await accept.mutateAsync({ code, idempotencyKey: intent.keyFor({ code }) });
      intent.done();
      toast(t('wb.join.joined', { name: workplace.merchantName }));
      openWorkbench(workplace.merchantId);
    } catch (e) {
      if (isApiError(e) && e.code === 'STAFF_ALREADY_MEMBER') setMember(true);
      setProblem(errorText(e));
    }
  };

  if (!loggedIn) {
    return (
      <JoinCard testId="wb-join-login">
        <Text className="wb-muted">{t('wb.join.loginHint')}</Text>
        <Button className="wb-btn wb-btn--primary wb-btn--block" onClick={() => void openPage(PAGES.login(PAGES.joinMerchant(code || undefined)))} data-testid="wb-join-login-go">
          {t('wb.join.login')}
        </Button>
      </JoinCard>
    );
  }

  if (code === '') {
    return (
      <JoinCard testId="wb-join-enter">
        <Text className="wb-muted wb-field">{t('wb.join.intro')}</Text>
        <Text className="wb-field__label">{t('wb.join.codeLabel')}</Text>
        <Input
          className="wb-input wb-field wb-join__code"
          maxlength={12}
          value={typed}
          placeholder={t('wb.join.codePlaceholder')}
          onInput={(e) => setTyped(e.detail.value)}
          onConfirm={look}
          data-testid="wb-join-code"
        />
        {problem && <View className="wb-error" role="alert" data-testid="wb-join-problem">{problem}</View>}
        <Button className="wb-btn wb-btn--primary wb-btn--block" onClick={look} data-testid="wb-join-view">
          {t('wb.join.view')}
        </Button>
      </JoinCard>
    );
  }

  const preview = invite.data;
  // An invite shown stays when a refetch fails (the banner says it may be old).
  const failure = invite.isError && !preview ? invite.error : null;
  const passing = isApiError(failure) && PASSING.has(failure.code);
  const offline = failure !== null && pageErrorKind(failure) === 'offline';
  const alreadyMember = member || preview?.alreadyMember === true;

  return (
    <View className="wb">
      <TitleBar title={t('wb.join.title')} />
      <OfflineBanner />
      {invite.isLoading && (
        <View className="wb-card">
          <Skeleton rows={3} avatar />
        </View>
      )}
      {offline && (
        <>
          <PageError kind="offline" title={t('pageError.offlineTitle')} hint={t('pageError.offlineHint')} onRetry={() => void invite.refetch()} showHome={false} />
          <Text className="wb-join__link" onClick={another} data-testid="wb-join-another">
            {t('wb.join.another')}
          </Text>
        </>
      )}
      {failure && !offline && (
        <View className="wb-card" data-testid="wb-join-failed">
          <View className="wb-error" role="alert" data-testid="wb-join-problem">
            {errorText(failure)}
          </View>
          {passing && (
            <Button className="wb-btn wb-btn--primary wb-btn--block" onClick={() => void invite.refetch()} data-testid="wb-join-retry">
              {t('retry')}
            </Button>
          )}
          <Button className="wb-btn wb-btn--block" onClick={another} data-testid="wb-join-another">
            {t('wb.join.another')}
          </Button>
        </View>
      )}
      {preview && (
        <View className="wb-card" data-testid="wb-join-preview">
          <View className="wb-join__merchant">
            <Picture className="wb-join__logo" src={preview.merchantLogo} alt="" />
            <View>
              <Text className="wb-join__name">{preview.merchantName}</Text>
              <Text className="wb-muted">{t('wb.join.invitedAs', { role: staffRoleLabels[preview.role] })}</Text>
            </View>
          </View>
          <Text className="wb-muted">{t('wb.join.expires', { time: formatTime(preview.expiresAt) })}</Text>
          {problem && !alreadyMember && <View className="wb-error" role="alert" data-testid="wb-join-problem">{problem}</View>}
          {alreadyMember ? (
            <View>
              <View className="wb-error" role="alert" data-testid="wb-join-member">
                {t('wb.join.alreadyMember')}
              </View>
              <Button className="wb-btn wb-btn--primary wb-btn--block" onClick={() => openWorkbench(preview.merchantId)} data-testid="wb-join-open">
                {t('wb.join.openWorkbench')}
              </Button>
            </View>
          ) : (
            <Button className="wb-btn wb-btn--primary wb-btn--block" disabled={disabledProp(accept.isPending)} onClick={() => void join()} data-testid="wb-join-accept">
              {accept.isPending ? t('wb.join.joining') : t('wb.join.accept')}
            </Button>
          )}
          <Text className="wb-join__link" onClick={another} data-testid="wb-join-another">
            {t('wb.join.another')}
          </Text>
        </View>
      )}
    </View>
  );
}
