import type { Session } from '@contract';
import { useMutation } from '@tanstack/react-query';
import { request } from '../http';

export const loginPhone = (body: { phone: string; code: string }): Promise<Session> => request('loginPhone', { body });

export const loginPhoneMutation = () => ({ mutationFn: loginPhone });

export const useLoginPhone = () => useMutation(loginPhoneMutation());
