import type { Address, AddressInput } from '@contract';
import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { addressesChanged } from './cache';

export function createAddress(body: AddressInput): Promise<Address> {
  return request('createAddress', { body });
}

export function createAddressOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.addresses.all(), 'create'],
    mutationFn: createAddress,
    onSuccess: async (address) => {
      queryClient.setQueryData(keys.addresses.detail(address.id), address);
      await addressesChanged(queryClient);
    },
  });
}

export function useCreateAddress() {
  const queryClient = useQueryClient();
  return useMutation(createAddressOptions(queryClient));
}
