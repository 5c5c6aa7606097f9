import type { RouteOutput } from '@contract';
import { useMutation } from '@tanstack/react-query';
import { request } from '../http';

export type OtpRequestResult = RouteOutput<'requestOtp'>;

export const requestOtp = (phone: string): Promise<OtpRequestResult> => request('requestOtp', { body: { phone } });

export const requestOtpMutation = () => ({ mutationFn: requestOtp });

export const useRequestOtp = () => useMutation(requestOtpMutation());
