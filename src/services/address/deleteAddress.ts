import { mutationOptions, type QueryClient, useMutation, useQueryClient } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { addressesChanged } from './cache';

export function deleteAddress(id: string): Promise<{ ok: true }> {
  return request('deleteAddress', { params: { id } });
}

export function deleteAddressOptions(queryClient: QueryClient) {
  return mutationOptions({
    mutationKey: [...keys.addresses.all(), 'delete'],
    mutationFn: deleteAddress,
    onSuccess: async (_ok, id) => {
      queryClient.removeQueries({ queryKey: keys.addresses.detail(id) });
      await addressesChanged(queryClient);
    },
  });
}

export function useDeleteAddress() {
  const queryClient = useQueryClient();
  return useMutation(deleteAddressOptions(queryClient));
}
