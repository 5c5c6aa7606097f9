import type { GiftCardCredential, GiftCardView } from '@contract';
import { mutationOptions, useMutation } from '@tanstack/react-query';
import { request } from '../http';
import { keys } from '../keys';

/** Checks a gift card's number and PIN; answers its masked number, balance and expiry. */
export function verifyGiftCard(card: GiftCardCredential): Promise<GiftCardView> {
  return request('verifyGiftCard', { body: card });
}

export function verifyGiftCardOptions() {
  return mutationOptions({
    mutationKey: [...keys.wallet.all(), 'verify-gift-card'],
    mutationFn: verifyGiftCard,
  });
}

export function useVerifyGiftCard() {
  return useMutation(verifyGiftCardOptions());
}

/** What the shopper typed, cleaned: digits only (spaces and dashes as printed on cards are dropped). */
export function normalizeCardInput(raw: string): string {
  return raw.replace(/[\s-]/g, '');
}

export const GIFT_CARD_NUMBER = /^\d{16}$/;
export const GIFT_CARD_PIN = /^\d{6}$/;
