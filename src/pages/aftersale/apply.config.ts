import { afterSaleMessages } from '../../i18n/aftersale';

export default definePageConfig({
  navigationBarTitleText: afterSaleMessages['aftersale.applyTitle'],
});
