import type { Session } from '@contract';
import type { QueryClient } from '@tanstack/react-query';
import { draftToLines, useCartDraft } from '@/stores/cart-draft';
import { useSession } from '@/stores/session';
import { mergeDraft } from '../cart/mergeCart';
import { keys } from '../keys';
import { clearUserData } from '../query-client';
import { bindPendingLanding } from '../referral/landing';

export interface LoginOutcome {
  /** The guest draft was merged into the account's cart (false when there was none or it failed). */
  merged: boolean;
  /** The merge failed; the draft is kept on the device and merged later from the cart page. */
  mergeError: unknown;
}

/**
 * After a successful login: store the session, fold the guest cart draft into the account's
 * cart (the draft is cleared only once the server has it), and refresh what depends on the user.
 */
export async function completeLogin(session: Session, client: QueryClient): Promise<LoginOutcome> {
  clearUserData(client);
  useSession.getState().setSession(session);
  let merged = false;
  let mergeError: unknown = null;
  const lines = useCartDraft.getState().lines;
  if (lines.length > 0) {
    try {
      const view = await mergeDraft(draftToLines(lines));
      client.setQueryData(keys.cart.server(), view);
      useCartDraft.getState().clear();
      merged = true;
    } catch (e) {
      mergeError = e;
    }
  }
  await client.invalidateQueries({ queryKey: keys.cart.all() });
  await client.invalidateQueries({ queryKey: keys.me.all() });
  // A shared link whose visit could not be reported before: bound now (never holds up the login).
  void bindPendingLanding();
  return { merged, mergeError };
}
