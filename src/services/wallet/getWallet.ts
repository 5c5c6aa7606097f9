import type { Wallet } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

export function getWallet(signal?: AbortSignal): Promise<Wallet> {
  return request('getWallet', {}, { signal });
}

/** The shopper's stored balance (fen), points and the points rule in force. */
export function getWalletOptions() {
  return queryOptions({
    queryKey: keys.wallet.detail(),
    queryFn: ({ signal }) => getWallet(signal),
    // Balances move with every payment and refund: always ask again when a page mounts.
    staleTime: 0,
  });
}

export function useWallet(enabled = true) {
  return useQuery({ ...getWalletOptions(), enabled });
}
