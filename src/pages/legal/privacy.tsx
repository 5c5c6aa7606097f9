import { privacyPolicy } from '@/i18n/legal';
import { LegalPage } from './document';

export default function PrivacyPage() {
  return <LegalPage doc={privacyPolicy} />;
}
