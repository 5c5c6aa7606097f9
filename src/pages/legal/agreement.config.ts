import { userAgreement } from '../../i18n/legal';

export default definePageConfig({
  navigationBarTitleText: userAgreement.title,
});
