import type { Address } from '@contract';
import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useMemo, useState } from 'react';
import { OfflineBanner, PageState, Skeleton, TitleBar, icons } from '@/components';
import { errorMessage } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
import { useLoginGate } from '@/services/checkout/login-gate';
import { useDeleteAddress } from '@/services/address/deleteAddress';
import { useAddresses } from '@/services/address/listAddresses';
import { ADDRESS_CREATED_EVENT, openAddressEditor, openerEmitter, SELECT_ADDRESS_EVENT } from '@/services/address/select';
import { useUpdateAddress } from '@/services/address/updateAddress';
import './address-list.css';

function toast(title: string) {
  void Taro.showToast({ title, icon: 'none' });
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : errorMessage('UNKNOWN'));

export default function AddressListPage() {
  const { params } = useRouter();
  const selectMode = params.select === '1';
  const selectedId = selectMode ? (params.selected ?? null) : null;
  const addresses = useAddresses();
  useLoginGate(addresses.error, addresses.refetch);
  const remove = useDeleteAddress();
  const update = useUpdateAddress();
  const [busyId, setBusyId] = useState<string | null>(null);

  useEffect(() => {
    void Taro.setNavigationBarTitle({ title: selectMode ? t('address.selectTitle') : t('address.title') });
  }, [selectMode]);

  const items = addresses.data?.items ?? [];
  // Taken while this list is the current page: the editor it opens emits later.
  const emitToOpener = useMemo(() => openerEmitter(SELECT_ADDRESS_EVENT), []);

  const pick = (address: Address) => {
    if (!selectMode) return;
    emitToOpener(address);
    void Taro.navigateBack();
  };

  // In select mode a new address is the chosen one; the editor goes back past this list.
  const created = (address: Address) => {
    if (selectMode) emitToOpener(address);
  };

  // Hosts without event channels hand the new address through the event center.
  useEffect(() => {
    Taro.eventCenter.on(ADDRESS_CREATED_EVENT, created);
    return () => {
      Taro.eventCenter.off(ADDRESS_CREATED_EVENT, created);
    };
  });

  const edit = (id?: string) => openAddressEditor(id, selectMode, created);

  const confirmDelete = async (address: Address) => {
    const res = await Taro.showModal({
      title: t('address.deleteConfirmTitle'),
      content: t('address.deleteConfirm'),
      confirmText: t('address.delete'),
      cancelText: t('cancel'),
    });
    if (!res.confirm) return;
    setBusyId(address.id);
    try {
      await remove.mutateAsync(address.id);
      toast(t('address.deleted'));
    } catch (e) {
      toast(errorText(e));
    } finally {
      setBusyId(null);
    }
  };

  const makeDefault = async (address: Address) => {
    setBusyId(address.id);
    try {
      await update.mutateAsync({ id: address.id, patch: { isDefault: true } });
    } catch (e) {
      toast(errorText(e));
    } finally {
      setBusyId(null);
    }
  };

  return (
    <View className="address-list">
      <TitleBar title={selectMode ? t('address.selectTitle') : t('address.title')} />
      <OfflineBanner />
      <PageState
        isLoading={addresses.isLoading}
        isError={addresses.isError && !addresses.data}
        error={addresses.error}
        isEmpty={items.length === 0}
        onRetry={() => void addresses.refetch()}
        skeleton={<Skeleton rows={3} />}
        emptyText={t('address.empty')}
        emptyIcon={icons.MapPin}
      >
        {items.map((a) => (
          <View
            key={a.id}
            className={`address-card${a.id === selectedId ? ' address-card--selected' : ''}`}
            data-testid="address-card"
            aria-selected={a.id === selectedId}
          >
            <View className="address-card__body" onClick={() => pick(a)}>
              <View className="address-card__who">
                <Text className="address-card__name">{a.name}</Text>
                <Text className="address-card__phone">{a.phone}</Text>
                {a.isDefault && <Text className="address-card__tag">{t('address.default')}</Text>}
              </View>
              <Text className="address-card__text">
                {a.province} {a.city} {a.district} {a.detail}
              </Text>
            </View>
            <View className="address-card__actions">
              {!a.isDefault && (
                <Text className="address-card__action" onClick={() => void makeDefault(a)}>
                  {t('address.setDefault')}
                </Text>
              )}
              <Text className="address-card__action" onClick={() => edit(a.id)}>
                {t('address.edit')}
              </Text>
              <Text
                className={`address-card__action${busyId === a.id ? ' address-card__action--busy' : ''}`}
                onClick={() => (busyId === a.id ? undefined : void confirmDelete(a))}
              >
                {t('address.delete')}
              </Text>
            </View>
          </View>
        ))}
      </PageState>
      <View className="address-list__bar">
        <Button className="address-list__add" onClick={() => edit()}>
          {t('address.add')}
        </Button>
      </View>
    </View>
  );
}
