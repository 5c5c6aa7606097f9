import type { QueryClient } from '@tanstack/react-query';
import { keys } from '../keys';

/** The address book changed: refetch it and any checkout preview (it carries the default address). */
export async function addressesChanged(queryClient: QueryClient): Promise<void> {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: keys.addresses.all() }),
    queryClient.invalidateQueries({ queryKey: keys.checkout.all() }),
  ]);
}
