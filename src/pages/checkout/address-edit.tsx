import { Button, Input, Switch, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { OfflineBanner, PageState, Skeleton, disabledProp, TitleBar } from '@/components';
import { errorMessage, t } from '@/i18n/messages';
import { useLoginGate } from '@/services/checkout/login-gate';
import { useCreateAddress } from '@/services/address/createAddress';
import { useAddresses } from '@/services/address/listAddresses';
import { useUpdateAddress } from '@/services/address/updateAddress';
import {
  type AddressErrors,
  type AddressField,
  type AddressForm,
  emptyAddressForm,
  toAddressInput,
  validateAddress,
} from '@/services/address/validate';
import { isApiError } from '@/services/http';
import type { TradeMessageKey } from '@/i18n/trade';
import './address-edit.css';

interface FieldDef {
  field: AddressField;
  label: TradeMessageKey;
  placeholder: TradeMessageKey;
  maxlength: number;
  type?: 'number';
}

const FIELDS: FieldDef[] = [
  { field: 'name', label: 'address.name', placeholder: 'address.namePlaceholder', maxlength: 20 },
  { field: 'phone', label: 'address.phone', placeholder: 'address.phonePlaceholder', maxlength: 11, type: 'number' },
  { field: 'province', label: 'address.province', placeholder: 'address.provincePlaceholder', maxlength: 20 },
  { field: 'city', label: 'address.city', placeholder: 'address.cityPlaceholder', maxlength: 20 },
  { field: 'district', label: 'address.district', placeholder: 'address.districtPlaceholder', maxlength: 20 },
  { field: 'detail', label: 'address.detail', placeholder: 'address.detailPlaceholder', maxlength: 120 },
];

/** Server-side field problems (problem+json `errors[].path`, e.g. "body.phone") mapped onto the form. */
function serverFieldErrors(e: unknown): AddressErrors {
  const out: AddressErrors = {};
  if (!isApiError(e) || !e.errors) return out;
  const generic: Record<AddressField, TradeMessageKey> = {
    name: 'address.error.nameRequired',
    phone: 'address.error.phoneInvalid',
    province: 'address.error.provinceRequired',
    city: 'address.error.cityRequired',
    district: 'address.error.districtRequired',
    detail: 'address.error.detailRequired',
  };
  for (const fe of e.errors) {
    const field = fe.path.split('.').pop() as AddressField | undefined;
    if (field && field in generic) out[field] = generic[field];
  }
  return out;
}

function FieldError({ problem }: { problem: TradeMessageKey | undefined }) {
  return problem ? <Text className="address-edit__error">{t(problem)}</Text> : null;
}

export default function AddressEditPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const editing = id !== '';
  // Editing reads the address from the book (there is no single-address route).
  const addresses = useAddresses(editing);
  useLoginGate(addresses.error, addresses.refetch);
  const create = useCreateAddress();
  const update = useUpdateAddress();
  const [form, setForm] = useState<AddressForm>(emptyAddressForm);
  const [errors, setErrors] = useState<AddressErrors>({});
  const [loadedId, setLoadedId] = useState<string | null>(null);
  const saving = create.isPending || update.isPending;

  const existing = editing ? addresses.data?.items.find((a) => a.id === id) : undefined;

  useEffect(() => {
    void Taro.setNavigationBarTitle({ title: editing ? t('address.editTitle') : t('address.addTitle') });
  }, [editing]);

  // Fill the form once from the address being edited.
  useEffect(() => {
    if (existing && loadedId !== existing.id) {
      setForm({
        name: existing.name,
        phone: existing.phone,
        province: existing.province,
        city: existing.city,
        district: existing.district,
        detail: existing.detail,
        isDefault: existing.isDefault,
      });
      setLoadedId(existing.id);
    }
  }, [existing, loadedId]);

  const set = (field: AddressField, value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const save = async () => {
    if (saving) return;
    const found = validateAddress(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const firstProblem = FIELDS.map((f) => found[f.field]).find((k) => k !== undefined);
      if (firstProblem) void Taro.showToast({ title: t(firstProblem), icon: 'none' });
      return;
    }
    const input = toAddressInput(form);
    try {
      if (editing) await update.mutateAsync({ id, patch: input });
      else await create.mutateAsync(input);
      void Taro.showToast({ title: t('address.saved'), icon: 'success' });
      void Taro.navigateBack();
    } catch (e) {
      setErrors(serverFieldErrors(e));
      void Taro.showToast({ title: e instanceof Error ? e.message : errorMessage('UNKNOWN'), icon: 'none' });
    }
  };

  const notFound = editing && addresses.isSuccess && !existing;

  return (
    <View className="address-edit">
      <TitleBar title={editing ? t('address.editTitle') : t('address.addTitle')} />
      <OfflineBanner />
      <PageState
        isLoading={editing && addresses.isLoading}
        isError={editing && addresses.isError}
        error={addresses.error}
        isEmpty={notFound}
        emptyText={t('address.notFound')}
        onRetry={() => void addresses.refetch()}
        skeleton={<Skeleton rows={6} />}
      >
        <View className="address-edit__card">
          {FIELDS.map((f) => (
            <View key={f.field} className="address-edit__field">
              <View className="address-edit__row">
                <Text className="address-edit__label">{t(f.label)}</Text>
                <Input
                  className="address-edit__input"
                  value={form[f.field]}
                  type={f.type ?? 'text'}
                  maxlength={f.maxlength}
                  placeholder={t(f.placeholder)}
                  data-testid={`address-${f.field}`}
                  onInput={(e) => set(f.field, e.detail.value)}
                />
              </View>
              <FieldError problem={errors[f.field]} />
            </View>
          ))}
          <View className="address-edit__row address-edit__row--switch">
            <Text className="address-edit__label">{t('address.isDefault')}</Text>
            <Switch
              checked={form.isDefault}
              color="#e4393c"
              onChange={(e) => setForm((f) => ({ ...f, isDefault: e.detail.value }))}
            />
          </View>
        </View>
        <Button className={`address-edit__save${saving ? ' is-disabled' : ''}`} disabled={disabledProp(saving)} onClick={() => void save()}>
          {saving ? t('address.saving') : t('address.save')}
        </Button>
      </PageState>
    </View>
  );
}
