import { channelSuite } from './support/channels-suite';

/**
 * WeChat Pay v3 end to end through the API and the channel sandbox: JSAPI in the mini-program
 * (the shopper's openid from the weapp login) and H5; every notifier fault.
 */
// The corrupted-signature and changed-amount tests check that nothing changed between the
// refused delivery and WeChat's first retry (15 s on its schedule). At the default time scale
// (0.01) that gap is 150 ms, narrow on a loaded machine; at 0.05 it is 750 ms. (jest gives each
// test file its own copy of process.env.)
process.env.SANDBOX_TIME_SCALE = '0.05';

channelSuite({ channel: 'wechatpay', scenes: ['mini', 'h5'], faults: 'all', notifiesCancel: false, canClose: true, openedByClient: [] });
