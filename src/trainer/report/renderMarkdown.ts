// report.md: the same document as GitHub-flavoured Markdown. Charts and overlays are pictures in
// report.html; here their numbers are tables and the saliency examples a list of predictions.
import type { Block, ReportDocument } from './document';
import { escapeMarkdown } from './reportFormat';

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return escapeMarkdown(block.text);
    case 'warning':
      return `> **${escapeMarkdown(block.title)}** ${escapeMarkdown(block.text)}`;
    case 'list':
      return block.items.map((item) => `- ${escapeMarkdown(item)}`).join('\n');
    case 'table': {
      const line = (cells: string[]) => `| ${cells.map(escapeMarkdown).join(' | ')} |`;
      const caption = block.caption ? `*${escapeMarkdown(block.caption)}*\n\n` : '';
      const rule = `| ${block.header.map((_, index) => (index === 0 ? '---' : '---:')).join(' | ')} |`;
      return `${caption}${line(block.header)}\n${rule}\n${block.rows.map(line).join('\n')}`;
    }
    case 'charts':
      return escapeMarkdown(block.markdown);
    case 'saliency':
      return block.figures
        .map(
          (figure) =>
            `- ${escapeMarkdown(figure.caption)}: ` +
            figure.panels
              .map((panel) => `${escapeMarkdown(panel.title)} ${escapeMarkdown(panel.lines.join(', '))}`)
              .join('; '),
        )
        .join('\n');
  }
}

export function renderMarkdown(document: ReportDocument): string {
  const parts = [
    `# ${escapeMarkdown(document.title)}`,
    escapeMarkdown(document.subtitle),
    `> **${escapeMarkdown(document.warning.title)}** ${escapeMarkdown(document.warning.text)}`,
  ];
  for (const section of document.sections) {
    parts.push(`## ${escapeMarkdown(section.title)}`);
    for (const block of section.blocks) parts.push(renderBlock(block));
  }
  return `${parts.join('\n\n')}\n`;
}
