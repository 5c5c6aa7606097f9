import type { Address } from '@contract';
import Taro from '@tarojs/taro';

/**
 * Handing a chosen address from the address list (select mode) back to the checkout page.
 * The opener passes `events` to Taro.navigateTo and the list emits on its opener's event
 * channel; a host without event channels gets the same event through Taro.eventCenter.
 */
export const SELECT_ADDRESS_EVENT = 'checkout:selectAddress';

interface EventChannelLike {
  emit(event: string, ...args: unknown[]): void;
}

function openerChannel(): EventChannelLike | null {
  const page = Taro.getCurrentInstance().page;
  const channel: unknown = page?.getOpenerEventChannel?.();
  return channel && typeof (channel as EventChannelLike).emit === 'function' ? (channel as EventChannelLike) : null;
}

/** Called by the address list: hands `address` to the page that opened it. */
export function emitSelectedAddress(address: Address): void {
  const channel = openerChannel();
  if (channel) channel.emit(SELECT_ADDRESS_EVENT, address);
  else Taro.eventCenter.trigger(SELECT_ADDRESS_EVENT, address);
}

/** The address list in select mode, marking the address in use (if any). */
export function addressPickerUrl(selectedId?: string | null): string {
  return `/pages/checkout/address-list?select=1${selectedId ? `&selected=${encodeURIComponent(selectedId)}` : ''}`;
}

/** Called by the checkout page: opens the address list in select mode. */
export function openAddressPicker(selectedId: string | null, onPicked: (address: Address) => void): void {
  void Taro.navigateTo({
    url: addressPickerUrl(selectedId),
    events: { [SELECT_ADDRESS_EVENT]: onPicked },
  });
}

/** The fallback path for hosts without event channels; returns the unsubscribe function. */
export function onSelectedAddressFallback(onPicked: (address: Address) => void): () => void {
  Taro.eventCenter.on(SELECT_ADDRESS_EVENT, onPicked);
  return () => {
    Taro.eventCenter.off(SELECT_ADDRESS_EVENT, onPicked);
  };
}
