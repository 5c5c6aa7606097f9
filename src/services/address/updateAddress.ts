import type { Address, AddressInput } from '@contract';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { addressesChanged } from './cache';

export interface UpdateAddressVariables {
  id: string;
  patch: Partial<AddressInput>;
}

export function updateAddress({ id, patch }: UpdateAddressVariables): Promise<Address> {
  return request('updateAddress', { params: { id }, body: patch });
}

/** Changes fields of an address (also "set as default": `{ isDefault: true }`). */
export function updateAddressOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.addresses.all(), 'update'],
    mutationFn: updateAddress,
    onSuccess: async (address) => {
      queryClient.setQueryData(keys.addresses.detail(address.id), address);
      await addressesChanged(queryClient);
    },
  });
}

export function useUpdateAddress() {
  const queryClient = useQueryClient();
  return useMutation(updateAddressOptions(queryClient));
}
