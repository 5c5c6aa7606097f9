import type { Session } from '@contract';
import { Button, Input, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Check, OfflineBanner, TitleBar, disabledProp } from '@/components';
import { t } from '@/i18n/messages';
import { completeLogin } from '@/services/identity/completeLogin';
import { loginMini } from '@/services/identity/loginMini';
import { loginPhone } from '@/services/identity/loginPhone';
import { useRequestOtp } from '@/services/identity/requestOtp';
import { isMainlandMobile, isOtpCode } from '@/services/identity/validate';
import { login } from '@/services/platform/login';
import { goBack, openPage, PAGES, replacePage, safeRedirect } from '@/services/platform/nav';
import './index.css';

const IS_H5 = process.env.TARO_ENV === 'h5';
const RESEND_SECONDS = 60;

function useCountdown(): [number, (seconds: number) => void] {
  const [left, setLeft] = useState(0);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => setLeft((n) => n - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  return [left, setLeft];
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : t('loginCancelled'));

export default function LoginPage() {
  const router = useRouter();
  const client = useQueryClient();
  const redirect = safeRedirect(router.params.redirect);
  const [busy, setBusy] = useState(false);
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [resendIn, startCountdown] = useCountdown();
  const otp = useRequestOtp();
  const [agreed, setAgreed] = useState(false);

  /**
   * Nothing is sent before the shopper agrees to the user agreement and the privacy policy
   * (required of apps in China): an action taken without the tick asks first, and 同意
   * ticks the box and goes on.
   */
  const withConsent = async (action: () => void) => {
    if (agreed) return action();
    const res = await Taro.showModal({
      title: t('consentTitle'),
      content: t('consentRequired'),
      confirmText: t('consentAgree'),
      cancelText: t('cancel'),
    });
    if (!res.confirm) return;
    setAgreed(true);
    action();
  };

  const openDoc = (url: string) => (e: { stopPropagation: () => void }) => {
    e.stopPropagation();
    void openPage(url);
  };

  const finish = async (session: Session) => {
    const outcome = await completeLogin(session, client);
    if (outcome.mergeError) void Taro.showToast({ title: t('mergeCartFailed'), icon: 'none' });
    else void Taro.showToast({ title: t('loginSuccess'), icon: 'success' });
    await (redirect ? replacePage(redirect) : goBack());
  };

  const run = async (obtain: () => Promise<Session | null>) => {
    if (busy) return;
    setBusy(true);
    try {
      const session = await obtain();
      if (session) await finish(session);
    } catch (e) {
      void Taro.showToast({ title: errorText(e), icon: 'none' });
    } finally {
      setBusy(false);
    }
  };

  const oneTap = () =>
    run(async () => {
      const input = await login();
      if (!input) throw new Error(t('loginNotSupported'));
      return loginMini(input);
    });

  const sendCode = () => {
    if (!isMainlandMobile(phone)) {
      void Taro.showToast({ title: t('invalidPhone'), icon: 'none' });
      return;
    }
    void withConsent(requestCode);
  };

  const requestCode = () => {
    otp.mutate(phone.trim(), {
      onSuccess: (res) => {
        startCountdown(res.retryAfterSeconds > 0 ? res.retryAfterSeconds : RESEND_SECONDS);
        void Taro.showToast({ title: t('codeSent'), icon: 'success' });
      },
      onError: (e) => void Taro.showToast({ title: e.message, icon: 'none' }),
    });
  };

  const submitPhone = () => {
    if (!isMainlandMobile(phone)) return void Taro.showToast({ title: t('invalidPhone'), icon: 'none' });
    if (!isOtpCode(code)) return void Taro.showToast({ title: t('invalidCode'), icon: 'none' });
    void withConsent(() => void run(() => loginPhone({ phone: phone.trim(), code: code.trim() })));
  };

  return (
    <View className="login">
      <TitleBar title={t('loginTitle')} />
      <OfflineBanner />
      <View className="login__head">
        <Text className="login__welcome">{t('loginWelcome')}</Text>
        <Text className="login__hint">{t('loginHint')}</Text>
      </View>
      {IS_H5 ? (
        <View className="login__form">
          <View className="login__field">
            <Input
              className="login__input"
              type="number"
              maxlength={11}
              placeholder={t('phonePlaceholder')}
              value={phone}
              onInput={(e) => setPhone(e.detail.value)}
            />
          </View>
          <View className="login__field">
            <Input
              className="login__input"
              type="number"
              maxlength={6}
              placeholder={t('codePlaceholder')}
              value={code}
              onInput={(e) => setCode(e.detail.value)}
              onConfirm={submitPhone}
            />
            <Button
              className={`login__code-btn${resendIn > 0 || otp.isPending ? ' is-disabled' : ''}`}
              size="mini"
              disabled={disabledProp(resendIn > 0 || otp.isPending)}
              onClick={sendCode}
            >
              {resendIn > 0 ? t('resendIn', { n: resendIn }) : t('getCode')}
            </Button>
          </View>
          <Button className={`btn-primary login__submit${busy ? ' is-disabled' : ''}`} disabled={disabledProp(busy)} onClick={submitPhone}>
            {busy ? t('loggingIn') : t('login')}
          </Button>
        </View>
      ) : (
        <View className="login__form">
          <Button className={`btn-primary login__submit${busy ? ' is-disabled' : ''}`} disabled={disabledProp(busy)} onClick={() => void withConsent(() => void oneTap())}>
            {busy ? t('loggingIn') : t('oneTapLogin')}
          </Button>
        </View>
      )}
      <Check className="login__consent" checked={agreed} label={t('consentCheckbox')} onChange={() => setAgreed((v) => !v)}>
        <Text className="login__consent-text">
          {t('consentPrefix')}
          <Text className="login__consent-link" onClick={openDoc(PAGES.agreement)}>
            {t('agreementLink')}
          </Text>
          {t('consentAnd')}
          <Text className="login__consent-link" onClick={openDoc(PAGES.privacy)}>
            {t('privacyLink')}
          </Text>
        </Text>
      </Check>
    </View>
  );
}
