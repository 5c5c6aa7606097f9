import { channelSuite } from './support/channels-suite';

/**
 * Douyin general trade end to end through the API and the channel sandbox: tt.requestOrder in
 * the mini-program (the order created when the client requests it; no close API); duplicated
 * and dropped notifications.
 */
channelSuite({ channel: 'douyin', scenes: ['mini'], faults: 'duplicate-drop', notifiesCancel: true, canClose: false, openedByClient: ['mini'] });
