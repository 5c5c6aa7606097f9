import { Button, Input, Switch, Text, Textarea, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useState } from 'react';
import { Icon, icons, OfflineBanner, PageState, Skeleton, disabledProp, TitleBar } from '@/components';
import { RegionPicker, type RegionValue } from '@/components/region-picker';
import { parseAddress } from '@/services/address/parse';
import { ADDRESS_CREATED_EVENT, openerEmitter } from '@/services/address/select';
import { chinaRegions } from '@/services/address/regions';
import { errorMessage } from '@/i18n/messages';
import { t } from '@/i18n/catalog';
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
import { goBack } from '@/services/platform/nav';
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
  { field: 'detail', label: 'address.detail', placeholder: 'address.detailPlaceholder', maxlength: 120 },
];
/** The order the form's problems are announced in (the region row sits before the detail). */
const ORDER: AddressField[] = ['name', 'phone', 'province', 'city', 'district', 'detail'];

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
  // Opened from the address list while checking out: a new address is handed back as chosen.
  const selectMode = params.select === '1';
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

  const [regionOpen, setRegionOpen] = useState(false);
  const [pasted, setPasted] = useState('');
  const regions = chinaRegions();

  const setRegion = (value: RegionValue) => {
    setForm((f) => ({ ...f, ...value }));
    setErrors((e) => ({ ...e, province: undefined, city: undefined, district: undefined }));
  };

  /** Fills the fields a pasted address names; the others keep what the shopper typed. */
  const recognize = (text: string) => {
    const found = parseAddress(text, regions);
    const fields = (Object.keys(found) as AddressField[]).filter((k) => found[k]);
    if (fields.length === 0) {
      void Taro.showToast({ title: t('pasteNothing'), icon: 'none' });
      return;
    }
    setForm((f) => ({ ...f, ...found }));
    setErrors((e) => ({ ...e, ...Object.fromEntries(fields.map((k) => [k, undefined])) }));
    void Taro.showToast({ title: t('pasteFilled'), icon: 'none' });
  };

  const pasteFromClipboard = async () => {
    let text = '';
    try {
      text = (await Taro.getClipboardData()).data ?? '';
    } catch {
      text = '';
    }
    if (!text.trim()) {
      void Taro.showToast({ title: t('pasteClipboardEmpty'), icon: 'none' });
      return;
    }
    setPasted(text);
    recognize(text);
  };

  const set = (field: AddressField, value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  };

  const save = async () => {
    if (saving) return;
    const found = validateAddress(form);
    setErrors(found);
    if (Object.keys(found).length > 0) {
      const firstProblem = ORDER.map((f) => found[f]).find((k) => k !== undefined);
      if (firstProblem) void Taro.showToast({ title: t(firstProblem), icon: 'none' });
      return;
    }
    const input = toAddressInput(form);
    try {
      if (editing) {
        await update.mutateAsync({ id, patch: input });
        void Taro.showToast({ title: t('address.saved'), icon: 'success' });
        void goBack();
      } else {
        const saved = await create.mutateAsync(input);
        void Taro.showToast({ title: t('address.saved'), icon: 'success' });
        if (selectMode) {
          openerEmitter(ADDRESS_CREATED_EVENT)(saved);
          // Past the list, straight back to the order being checked out.
          void Taro.navigateBack({ delta: 2 });
        } else {
          void goBack();
        }
      }
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
        isError={editing && addresses.isError && !addresses.data}
        error={addresses.error}
        isEmpty={notFound}
        emptyText={t('address.notFound')}
        onRetry={() => void addresses.refetch()}
        skeleton={<Skeleton rows={6} />}
      >
        <View className="address-edit__card address-edit__paste">
          <Text className="address-edit__paste-title">{t('pasteTitle')}</Text>
          <Textarea
            className="address-edit__paste-text"
            value={pasted}
            maxlength={300}
            placeholder={t('pastePlaceholder')}
            onInput={(e) => setPasted(e.detail.value)}
          />
          <View className="address-edit__paste-actions">
            <View className="address-edit__paste-btn" role="button" onClick={() => void pasteFromClipboard()}>
              <Icon svg={icons.ClipboardPaste} size={30} color="#333333" />
              <Text className="address-edit__paste-btn-text">{t('pasteFromClipboard')}</Text>
            </View>
            <View
              className={`address-edit__paste-btn address-edit__paste-btn--primary${pasted.trim() ? '' : ' is-disabled'}`}
              role="button"
              onClick={() => {
                if (pasted.trim()) recognize(pasted);
              }}
            >
              {t('pasteRecognize')}
            </View>
          </View>
        </View>
        <View className="address-edit__card">
          {FIELDS.map((f) => (
            <View key={f.field}>
              {f.field === 'detail' && (
                <View className="address-edit__field">
                  <View className="address-edit__row" role="button" aria-label={t('regionLabel')} data-testid="address-region" onClick={() => setRegionOpen(true)}>
                    <Text className="address-edit__label">{t('regionLabel')}</Text>
                    <Text className={`address-edit__region${form.province ? '' : ' address-edit__region--empty'}`}>
                      {form.province ? [form.province, form.city, form.district].filter(Boolean).join(' ') : t('regionPlaceholder')}
                    </Text>
                    <Icon svg={icons.MapPin} size={32} color="#999999" />
                  </View>
                  <FieldError problem={errors.province ?? errors.city ?? errors.district} />
                </View>
              )}
              <View className="address-edit__field">
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
            </View>
          ))}
          <View className="address-edit__row address-edit__row--switch">
            <Text className="address-edit__label">{t('address.isDefault')}</Text>
            <Switch
              checked={form.isDefault}
              color="#d12b30"
              onChange={(e) => setForm((f) => ({ ...f, isDefault: e.detail.value }))}
            />
          </View>
        </View>
        <Button className={`address-edit__save${saving ? ' is-disabled' : ''}`} disabled={disabledProp(saving)} onClick={() => void save()}>
          {saving ? t('address.saving') : t('address.save')}
        </Button>
      </PageState>
      <RegionPicker
        open={regionOpen}
        regions={regions}
        value={{ province: form.province, city: form.city, district: form.district }}
        onChange={setRegion}
        onClose={() => setRegionOpen(false)}
      />
    </View>
  );
}
