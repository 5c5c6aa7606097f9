import type { User } from '@contract';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { useIsLoggedIn, useSession } from '@/stores/session';
import { request } from '../http';
import { keys } from '../keys';

export const getMe = async (signal?: AbortSignal): Promise<User> => {
  const user = await request('getMe', {}, { signal });
  // Keep the persisted copy (shown before the query resolves) fresh.
  useSession.getState().setUser(user);
  return user;
};

export const meQuery = () =>
  queryOptions({
    queryKey: keys.me.user(),
    queryFn: ({ signal }) => getMe(signal),
  });

/** The signed-in user; disabled for guests. */
export const useMe = () => {
  const loggedIn = useIsLoggedIn();
  return useQuery({ ...meQuery(), enabled: loggedIn });
};
