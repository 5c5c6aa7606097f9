import type { MiniLoginBody, Session } from '@contract';
import { useMutation } from '@tanstack/react-query';
import { request } from '../http';

export const loginMini = (body: MiniLoginBody): Promise<Session> => request('loginMini', { body });

export const loginMiniMutation = () => ({ mutationFn: loginMini });

export const useLoginMini = () => useMutation(loginMiniMutation());
