import type { PayChannel } from '@contract/payment';
import type { ChannelAdapter } from './types';

/** The configured channels. A channel without configuration is absent (CHANNEL_UNAVAILABLE). */
export interface ChannelRegistry {
  get(channel: PayChannel): ChannelAdapter | null;
  list(): ChannelAdapter[];
}

export function channelRegistry(adapters: readonly ChannelAdapter[]): ChannelRegistry {
  const byChannel = new Map<PayChannel, ChannelAdapter>();
  for (const a of adapters) {
    if (byChannel.has(a.channel)) throw new Error(`channel ${a.channel} configured twice`);
    byChannel.set(a.channel, a);
  }
  return {
    get: (channel) => byChannel.get(channel) ?? null,
    list: () => [...byChannel.values()],
  };
}
