import type { MiniLoginBody, Session } from '@contract';
import { useMutation } from '@tanstack/react-query';
import { request } from '../http';
import { deviceId } from './device';

/** Sends this device's id with the login: the server binds the shared links it opened (docs/referral.md). */
export const loginMini = (body: MiniLoginBody): Promise<Session> => request('loginMini', { body: { ...body, device: body.device ?? deviceId() } });

export const loginMiniMutation = () => ({ mutationFn: loginMini });

export const useLoginMini = () => useMutation(loginMiniMutation());
