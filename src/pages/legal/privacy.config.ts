import { privacyPolicy } from '../../i18n/legal';

export default definePageConfig({
  navigationBarTitleText: privacyPolicy.title,
});
