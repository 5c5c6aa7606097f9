import { emptyAddressForm, toAddressInput, validateAddress, type AddressForm } from './validate';

const good: AddressForm = {
  name: '张三',
  phone: '13800138000',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail: '文三路 90 号',
  isDefault: false,
};

describe('validateAddress', () => {
  it('accepts a complete address', () => {
    expect(validateAddress(good)).toEqual({});
  });

  it('reports every missing field of an empty form', () => {
    expect(validateAddress(emptyAddressForm())).toEqual({
      name: 'address.error.nameRequired',
      phone: 'address.error.phoneInvalid',
      province: 'address.error.provinceRequired',
      city: 'address.error.cityRequired',
      district: 'address.error.districtRequired',
      detail: 'address.error.detailRequired',
    });
  });

  it('treats whitespace as missing', () => {
    expect(validateAddress({ ...good, name: '   ', detail: ' \t' })).toEqual({
      name: 'address.error.nameRequired',
      detail: 'address.error.detailRequired',
    });
  });

  it.each(['1380013800', '138001380000', '12800138000', '23800138000', '1380013800a', '+8613800138000'])('rejects phone %s', (phone) => {
    expect(validateAddress({ ...good, phone }).phone).toBe('address.error.phoneInvalid');
  });

  it('enforces the lengths the API enforces, counting characters', () => {
    expect(validateAddress({ ...good, name: '张'.repeat(20) })).toEqual({});
    expect(validateAddress({ ...good, name: '张'.repeat(21) }).name).toBe('address.error.nameTooLong');
    expect(validateAddress({ ...good, city: '市'.repeat(21) }).city).toBe('address.error.regionTooLong');
    expect(validateAddress({ ...good, detail: '路'.repeat(120) })).toEqual({});
    expect(validateAddress({ ...good, detail: '路'.repeat(121) }).detail).toBe('address.error.detailTooLong');
  });
});

describe('toAddressInput', () => {
  it('trims every field', () => {
    expect(toAddressInput({ ...good, name: ' 张三 ', phone: ' 13800138000 ', detail: ' 文三路 90 号 ', isDefault: true })).toEqual({
      ...good,
      isDefault: true,
    });
  });
});
