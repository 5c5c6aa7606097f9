import type { Session, User } from '@contract';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import { taroJSONStorage } from './taro-storage';

export const SESSION_STORAGE_KEY = 'shop.session';

interface SessionData {
  token: string | null;
  user: User | null;
  /** Epoch ms after which the token is no longer accepted. */
  expiresAt: number | null;
}

export interface SessionState extends SessionData {
  /**
   * Why the server ended the session, when the shopper must be told (the problem code, e.g.
   * ACCOUNT_DISABLED); null otherwise. Not persisted: told once, then acknowledged.
   */
  endedBy: string | null;
  setSession(session: Session): void;
  setUser(user: User): void;
  /** Signs out; `endedBy` names the server's reason when the shopper must be told. */
  clear(endedBy?: string): void;
  acknowledgeEnd(): void;
}

const empty: SessionData = { token: null, user: null, expiresAt: null };

export const createSessionStore = () =>
  create<SessionState>()(
    persist(
      (set) => ({
        ...empty,
        endedBy: null,
        setSession: (s) => set({ token: s.token, user: s.user, expiresAt: s.expiresAt, endedBy: null }),
        setUser: (user) => set({ user }),
        clear: (endedBy) => set({ ...empty, endedBy: endedBy ?? null }),
        acknowledgeEnd: () => set({ endedBy: null }),
      }),
      {
        name: SESSION_STORAGE_KEY,
        version: 1,
        storage: taroJSONStorage<SessionData>(),
        partialize: (s): SessionData => ({ token: s.token, user: s.user, expiresAt: s.expiresAt }),
      },
    ),
  );

export const useSession = createSessionStore();

/** A token that has not expired yet. */
export function isLoggedIn(state: SessionData = useSession.getState(), now = Date.now()): boolean {
  return state.token !== null && (state.expiresAt === null || state.expiresAt > now);
}

/** The bearer token to send, or null for a guest (an expired token counts as none). */
export function currentToken(now = Date.now()): string | null {
  const s = useSession.getState();
  return isLoggedIn(s, now) ? s.token : null;
}

/** Hook: whether the shopper is signed in (re-renders on login/logout). */
export function useIsLoggedIn(): boolean {
  return useSession((s) => isLoggedIn(s));
}
