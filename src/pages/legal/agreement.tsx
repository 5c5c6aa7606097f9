import { userAgreement } from '@/i18n/legal';
import { LegalPage } from './document';

export default function AgreementPage() {
  return <LegalPage doc={userAgreement} />;
}
