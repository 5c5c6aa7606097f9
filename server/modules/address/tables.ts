/** The address tables (text ids, times as bigint epoch ms, money as integer fen, booleans as 0/1). */

export interface AddressesTable {
  id: string;
  user_id: string;
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
  is_default: number;
  created_at: number;
  updated_at: number;
}

export interface AddressTables {
  addresses: AddressesTable;
}
