import { Text, View } from '@tarojs/components';
import { TitleBar } from '@/components';
import type { LegalDocument } from '@/i18n/legal';
import './document.css';

/** One legal document: title, dates, introduction and numbered sections. */
export function LegalPage({ doc }: { doc: LegalDocument }) {
  return (
    <View className="legal">
      <TitleBar title={doc.title} />
      <View className="legal__body">
        <Text className="legal__title">{doc.title}</Text>
        <Text className="legal__updated">{doc.updated}</Text>
        <Text className="legal__p">{doc.intro}</Text>
        {doc.sections.map((s) => (
          <View key={s.heading} className="legal__section">
            <Text className="legal__heading">{s.heading}</Text>
            {s.paragraphs.map((p) => (
              <Text key={p} className="legal__p">
                {p}
              </Text>
            ))}
          </View>
        ))}
      </View>
    </View>
  );
}
