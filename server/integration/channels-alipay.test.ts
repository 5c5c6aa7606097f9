import { channelSuite } from './support/channels-suite';

/**
 * Alipay end to end through the API and the channel sandbox: the mini-program trade (tradePay)
 * and the wap pay URL (H5, the trade created when the browser opens it); every notifier fault.
 */
channelSuite({ channel: 'alipay', scenes: ['mini', 'h5'], faults: 'all', notifiesCancel: true, canClose: true, openedByClient: ['h5'] });
