import { onlineManager } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { t } from '@/i18n/messages';
import { Box, Inline } from '../primitives';
import './index.css';

const subscribe = (cb: () => void) => onlineManager.subscribe(cb);
const isOnline = () => onlineManager.isOnline();

/** A strip at the top of a page while the device is offline. */
export function OfflineBanner() {
  const online = useSyncExternalStore(subscribe, isOnline, isOnline);
  if (online) return null;
  return (
    <Box className="offline-banner" role="status">
      <Inline>{t('offlineBanner')}</Inline>
    </Box>
  );
}
