import { tradeMessages } from '../../i18n/trade';

export default definePageConfig({
  navigationBarTitleText: tradeMessages['cashier.title'],
});
