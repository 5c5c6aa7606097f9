import type { Session } from '@contract';
import { useMutation } from '@tanstack/react-query';
import { request } from '../http';
import { deviceId } from './device';

/** Sends this device's id with the login: the server binds the shared links it opened (docs/referral.md). */
export const loginPhone = (body: { phone: string; code: string }): Promise<Session> => request('loginPhone', { body: { ...body, device: deviceId() } });

export const loginPhoneMutation = () => ({ mutationFn: loginPhone });

export const useLoginPhone = () => useMutation(loginPhoneMutation());
