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

/**
 * An emitter of `event` to the opener of the page current now. A page that emits later, after
 * opening another page itself, takes it while it is still the current page (at its first render).
 */
export function openerEmitter(event: string): (address: Address) => void {
  const channel = openerChannel();
  return (address) => {
    if (channel) channel.emit(event, address);
    else Taro.eventCenter.trigger(event, address);
  };
}

/** Called by the address list: hands `address` to the page that opened it. */
export function emitSelectedAddress(address: Address): void {
  openerEmitter(SELECT_ADDRESS_EVENT)(address);
}

/**
 * A new address saved by the editor opened from the list in select mode: the list hands it on
 * as the chosen address (a shopper who adds an address while checking out means to use it).
 */
export const ADDRESS_CREATED_EVENT = 'checkout:addressCreated';

/** Called by the address list: opens the editor (a new address when id is absent). */
export function openAddressEditor(id: string | undefined, selectMode: boolean, onCreated: (address: Address) => void): void {
  const query = [id ? `id=${encodeURIComponent(id)}` : '', selectMode ? 'select=1' : ''].filter(Boolean).join('&');
  void Taro.navigateTo({
    url: `/pages/checkout/address-edit${query ? `?${query}` : ''}`,
    events: { [ADDRESS_CREATED_EVENT]: onCreated },
  });
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
