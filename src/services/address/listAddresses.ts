import type { Address } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function listAddresses(signal?: AbortSignal): Promise<{ items: Address[] }> {
  return request('listAddresses', {}, { signal });
}

/** The user's address book. */
export function listAddressesOptions() {
  return queryOptions({ queryKey: keys.addresses.list(), queryFn: ({ signal }) => listAddresses(signal) });
}

export function useAddresses(enabled = true) {
  return useQuery({ ...listAddressesOptions(), enabled });
}
