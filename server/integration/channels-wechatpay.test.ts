import { channelSuite } from './support/channels-suite';

/**
 * WeChat Pay v3 end to end through the API and the channel sandbox: JSAPI in the mini-program
 * (the shopper's openid from the weapp login) and H5; every notifier fault.
 */
channelSuite({ channel: 'wechatpay', scenes: ['mini', 'h5'], faults: 'all', notifiesCancel: false, canClose: true, openedByClient: [] });
