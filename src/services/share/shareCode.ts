import type { ShareCode, SharePage, SharePlatform } from '@contract/share';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';
import { currentPlatform } from '../platform/current';

/** The platform this build runs on, as the code API names it (TARO_ENV: weapp, alipay, tt; everything else is H5). */
export const sharePlatform = currentPlatform;

export interface ShareCodeInput {
  page: SharePage;
  scene: string;
  platform?: SharePlatform;
}

/** POST /api/share/code: the code that opens `page` with `scene` on this platform, as a data URL. */
export function getShareCode({ page, scene, platform = sharePlatform() }: ShareCodeInput, signal?: AbortSignal): Promise<ShareCode> {
  return request('shareCode', { body: { platform, page, scene } }, { signal });
}

/** A code never changes for its (platform, page, scene): kept for the session once fetched. */
export function shareCodeQueryOptions(input: ShareCodeInput) {
  const platform = input.platform ?? sharePlatform();
  return queryOptions({
    queryKey: keys.share.code(platform, input.page, input.scene),
    queryFn: ({ signal }) => getShareCode({ ...input, platform }, signal),
    staleTime: Infinity,
  });
}

export function useShareCode(input: ShareCodeInput, enabled = true) {
  return useQuery({ ...shareCodeQueryOptions(input), enabled });
}
