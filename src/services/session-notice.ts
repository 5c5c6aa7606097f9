import Taro from '@tarojs/taro';
import { errorMessage, t } from '@/i18n/messages';
import { useSession } from '@/stores/session';

let wired = false;

/**
 * When the server ends the session for a reason the shopper must know (a disabled account:
 * 401 ACCOUNT_DISABLED, see http.ts), the request client signs out with that reason; this says
 * so once, on whatever page is showing, then forgets the reason.
 */
export function wireSessionEndNotice(): () => void {
  if (wired) return () => undefined;
  wired = true;
  const unsubscribe = useSession.subscribe((state, prev) => {
    if (!state.endedBy || state.endedBy === prev.endedBy) return;
    const code = state.endedBy;
    useSession.getState().acknowledgeEnd();
    void Taro.showModal({ title: t('sessionEnded'), content: errorMessage(code), showCancel: false });
  });
  return () => {
    wired = false;
    unsubscribe();
  };
}
