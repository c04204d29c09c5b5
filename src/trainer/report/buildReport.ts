// A run's report as a document (then rendered to HTML and Markdown).
import type { ReportDocument } from './document';
import type { ReportData } from './reportData';
import { evaluationSection, operatingPointSection } from './sections/evaluation';
import { explanationsSection } from './sections/explanations';
import { modelCardSection, NOT_A_MEDICAL_DEVICE } from './sections/modelCard';
import { dataSection, experimentSection, summarySection } from './sections/overview';
import { runEndStatus } from './sections/runEnd';
import { trainingSection } from './sections/training';

export function buildReport(data: ReportData): ReportDocument {
  const name = data.state.experimentName ?? data.metrics?.experimentName ?? data.experiment?.name ?? 'run';
  const runId = data.state.runId ?? data.metrics?.runId ?? '';
  const status = runEndStatus(data);
  const when = data.state.startedAt
    ? `started ${data.state.startedAt.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}`
    : '';
  return {
    title: `MedTransfer report: ${name}`,
    subtitle: [`run ${runId}`, status, when, data.state.seconds !== null ? `${Math.round(data.state.seconds)} s` : '']
      .filter(Boolean)
      .join(' · '),
    warning: NOT_A_MEDICAL_DEVICE,
    sections: [
      summarySection(data),
      experimentSection(data),
      dataSection(data),
      trainingSection(data),
      evaluationSection(data),
      operatingPointSection(data),
      explanationsSection(data),
      modelCardSection(data),
    ],
  };
}
