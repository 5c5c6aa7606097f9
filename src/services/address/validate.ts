import type { AddressInput } from '@contract';
import { type TradeMessageKey } from '@/i18n/trade';

export type AddressField = 'name' | 'phone' | 'province' | 'city' | 'district' | 'detail';
export type AddressForm = Record<AddressField, string> & { isDefault: boolean };
/** Per-field problems, as message keys of the trade catalog. */
export type AddressErrors = Partial<Record<AddressField, TradeMessageKey>>;

/** The same rules as contract/address.ts, checked before sending so the shopper sees them at once. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;

export function emptyAddressForm(): AddressForm {
  return { name: '', phone: '', province: '', city: '', district: '', detail: '', isDefault: false };
}

/** Length in characters (not UTF-16 units), as the server's zod max() counts... closely enough for CJK. */
const len = (s: string) => Array.from(s).length;

export function validateAddress(form: AddressForm): AddressErrors {
  const errors: AddressErrors = {};
  const name = form.name.trim();
  if (!name) errors.name = 'address.error.nameRequired';
  else if (len(name) > 20) errors.name = 'address.error.nameTooLong';
  if (!MAINLAND_MOBILE.test(form.phone.trim())) errors.phone = 'address.error.phoneInvalid';
  const region: Array<[AddressField, TradeMessageKey]> = [
    ['province', 'address.error.provinceRequired'],
    ['city', 'address.error.cityRequired'],
    ['district', 'address.error.districtRequired'],
  ];
  for (const [field, required] of region) {
    const value = form[field].trim();
    if (!value) errors[field] = required;
    else if (len(value) > 20) errors[field] = 'address.error.regionTooLong';
  }
  const detail = form.detail.trim();
  if (!detail) errors.detail = 'address.error.detailRequired';
  else if (len(detail) > 120) errors.detail = 'address.error.detailTooLong';
  return errors;
}

/** The body the API accepts, trimmed. Call only when validateAddress() found nothing. */
export function toAddressInput(form: AddressForm): AddressInput {
  return {
    name: form.name.trim(),
    phone: form.phone.trim(),
    province: form.province.trim(),
    city: form.city.trim(),
    district: form.district.trim(),
    detail: form.detail.trim(),
    isDefault: form.isDefault,
  };
}
