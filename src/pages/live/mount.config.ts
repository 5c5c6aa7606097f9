import { messages } from '../../i18n/messages';

export default definePageConfig({
  navigationBarTitleText: messages.liveMountTitle,
});
