// The report as plain data: sections of blocks holding unescaped text. renderHtml and
// renderMarkdown escape every string; only `svg` (built by svgCharts, which escapes its labels)
// and image data URIs (built by overlayPng) are inserted as they are, and only into the HTML.

export interface SaliencyFigure {
  caption: string;
  /** One panel per model: the overlay and its lines (model, prediction, confidence). */
  panels: { title: string; lines: string[]; dataUri: string; outcome: 'correct' | 'wrong' | 'unknown' }[];
}

export type Block =
  | { kind: 'paragraph'; text: string }
  | { kind: 'warning'; title: string; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; caption?: string; header: string[]; rows: string[][] }
  | { kind: 'charts'; svgs: string[]; markdown: string }
  | { kind: 'saliency'; figures: SaliencyFigure[] };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export interface ReportDocument {
  title: string;
  subtitle: string;
  warning: { title: string; text: string };
  sections: Section[];
}
