import type { OrderTab } from '@contract';
import { Text, View } from '@tarojs/components';
import Taro, { useDidShow } from '@tarojs/taro';
import { Icon, icons, OfflineBanner, Picture, Price } from '@/components';
import { orderTabLabels } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { useMe } from '@/services/identity/getMe';
import { useWorkplaces } from '@/services/merchant/workplaces';
import { useOrderCounts } from '@/services/order/getOrderCounts';
import { openPage, PAGES } from '@/services/platform/nav';
import { useWallet } from '@/services/wallet/getWallet';
import { useIsLoggedIn, useSession } from '@/stores/session';
import { useWorkbenchStore } from '@/stores/workbench';
import './index.css';

const SHORTCUTS: { tab: OrderTab; icon: string; count?: 'pending_payment' | 'paid' | 'shipped' }[] = [
  { tab: 'pending_payment', icon: icons.Wallet, count: 'pending_payment' },
  { tab: 'paid', icon: icons.PackageCheck, count: 'paid' },
  { tab: 'shipped', icon: icons.Truck, count: 'shipped' },
  { tab: 'all', icon: icons.ClipboardList },
];

const maskPhone = (p: string) => (p.length === 11 ? `${p.slice(0, 3)}****${p.slice(7)}` : p);

export default function MePage() {
  const loggedIn = useIsLoggedIn();
  const sessionUser = useSession((s) => s.user);
  const me = useMe();
  const counts = useOrderCounts(loggedIn);
  const wallet = useWallet(loggedIn);
  const user = me.data ?? sessionUser;
  const workplaces = useWorkplaces(loggedIn);
  const rememberedMerchant = useWorkbenchStore((s) => s.merchantId);
  const workplaceItems = loggedIn ? (workplaces.data?.items ?? []) : [];

  // One merchant, or the one chosen last: straight in; several and none chosen: the workbench asks.
  const openWorkbench = () => {
    const remembered = workplaceItems.find((w) => w.merchantId === rememberedMerchant);
    const target = remembered ?? (workplaceItems.length === 1 ? workplaceItems[0] : undefined);
    void openPage(PAGES.workbench(target?.merchantId));
  };

  useDidShow(() => {
    if (loggedIn) {
      void counts.refetch();
      void wallet.refetch();
      void workplaces.refetch();
    }
  });

  const guarded = (url: string) => void openPage(loggedIn ? url : PAGES.login(url));

  const logout = () => {
    void Taro.showModal({ title: t('logout'), content: t('logoutConfirm') }).then((res) => {
      if (!res.confirm) return;
      useSession.getState().clear();
      void Taro.showToast({ title: t('loggedOut'), icon: 'none' });
    });
  };

  const label = (tab: OrderTab): string => (tab === 'all' ? t('allOrders') : orderTabLabels[tab]);

  return (
    <View className="me">
      <OfflineBanner />
      <View className="me__header" onClick={() => !loggedIn && void openPage(PAGES.login())}>
        {user?.avatar ? (
          <Picture className="me__avatar" src={user.avatar} alt="" priority />
        ) : (
          <View className="me__avatar me__avatar--blank">
            <Icon svg={icons.UserRound} size={72} color="#ffffff" />
          </View>
        )}
        <View className="me__who">
          {loggedIn && user ? (
            <>
              <Text className="me__name">{user.nickname}</Text>
              {user.phone && <Text className="me__sub">{t('phoneMasked', { phone: maskPhone(user.phone) })}</Text>}
            </>
          ) : (
            <>
              <Text className="me__name">{t('meGuest')}</Text>
              <Text className="me__sub">{t('meGuestHint')}</Text>
            </>
          )}
        </View>
      </View>

      {loggedIn && wallet.data && (
        <View className="card me__wallet" data-testid="wallet">
          <View className="me__wallet-item">
            <Price fen={wallet.data.balance} size="sm" />
            <Text className="me__wallet-label">{t('walletBalance')}</Text>
          </View>
          <View className="me__wallet-item">
            <Text className="me__wallet-value">{wallet.data.points}</Text>
            <Text className="me__wallet-label">{t('walletPoints')}</Text>
          </View>
        </View>
      )}

      <View className="card">
        <View className="me__row" onClick={() => guarded(PAGES.orders('all'))}>
          <Text className="me__row-title">{t('myOrders')}</Text>
          <Text className="me__row-more">{t('allOrders')} ›</Text>
        </View>
        <View className="me__shortcuts">
          {SHORTCUTS.map((s) => {
            const n = s.count && loggedIn && counts.data ? counts.data[s.count] : 0;
            return (
              <View key={s.tab} className="me__shortcut" onClick={() => guarded(PAGES.orders(s.tab))} data-testid={`shortcut-${s.tab}`}>
                <View className="me__shortcut-icon">
                  <Icon svg={s.icon} size={48} color="#d12b30" />
                  {n > 0 && <Text className="me__badge">{n > 99 ? '99+' : n}</Text>}
                </View>
                <Text className="me__shortcut-label">{label(s.tab)}</Text>
              </View>
            );
          })}
          <View className="me__shortcut" onClick={() => guarded(PAGES.afterSales)} data-testid="shortcut-aftersale">
            <View className="me__shortcut-icon">
              <Icon svg={icons.RotateCcw} size={48} color="#d12b30" />
            </View>
            <Text className="me__shortcut-label">{t('aftersale.entry')}</Text>
          </View>
        </View>
      </View>

      {workplaceItems.length > 0 && (
        <View className="card">
          <View className="me__row" onClick={openWorkbench} data-testid="me-workbench">
            <View className="me__row-lead">
              <Icon svg={icons.Store} size={36} color="#d12b30" />
              <Text className="me__row-title me__row-title--item">{t('wb.entry')}</Text>
            </View>
            <View className="me__row-lead">
              <Text className="me__row-more">{t('wb.entryHint')}</Text>
              <Icon svg={icons.ChevronRight} size={32} color="#999999" />
            </View>
          </View>
        </View>
      )}

      <View className="card">
        <View className="me__row" onClick={() => guarded(PAGES.promoter)} data-testid="me-promoter">
          <View className="me__row-lead">
            <Icon svg={icons.HandCoins} size={36} color="#d12b30" />
            <Text className="me__row-title me__row-title--item">{t('centre.entry')}</Text>
          </View>
          <View className="me__row-lead">
            <Text className="me__row-more">{t('centre.entryHint')}</Text>
            <Icon svg={icons.ChevronRight} size={32} color="#999999" />
          </View>
        </View>
      </View>

      <View className="card">
        <View className="me__row" onClick={() => guarded(PAGES.addresses)}>
          <View className="me__row-lead">
            <Icon svg={icons.MapPin} size={36} color="#333333" />
            <Text className="me__row-title me__row-title--item">{t('addresses')}</Text>
          </View>
          <Icon svg={icons.ChevronRight} size={32} color="#999999" />
        </View>
        <View className="me__row me__row--divided" onClick={() => void openPage(PAGES.agreement)}>
          <View className="me__row-lead">
            <Icon svg={icons.MessageCircleQuestionMark} size={36} color="#333333" />
            <Text className="me__row-title me__row-title--item">{t('agreementTitle')}</Text>
          </View>
          <Icon svg={icons.ChevronRight} size={32} color="#999999" />
        </View>
        <View className="me__row me__row--divided" onClick={() => void openPage(PAGES.privacy)}>
          <View className="me__row-lead">
            <Icon svg={icons.MessageCircleQuestionMark} size={36} color="#333333" />
            <Text className="me__row-title me__row-title--item">{t('privacyTitle')}</Text>
          </View>
          <Icon svg={icons.ChevronRight} size={32} color="#999999" />
        </View>
      </View>

      {loggedIn && (
        <View className="card me__logout" onClick={logout}>
          <Text>{t('logout')}</Text>
        </View>
      )}
    </View>
  );
}
