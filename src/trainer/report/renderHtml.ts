// report.html: one self-contained file. Inline CSS, inline SVG, PNG data URIs; no script, no
// remote resource, and a CSP that forbids both, so even a bug in escaping could not run code.
import type { Block, ReportDocument } from './document';
import { escapeHtml } from './reportFormat';
import { REPORT_CSS } from './reportCss';

const CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

function renderBlock(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${escapeHtml(block.text)}</p>`;
    case 'warning':
      return (
        `<div class="warning" role="note"><strong>${escapeHtml(block.title)}</strong> ` +
        `${escapeHtml(block.text)}</div>`
      );
    case 'list':
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`;
    case 'table': {
      const caption = block.caption ? `<caption>${escapeHtml(block.caption)}</caption>` : '';
      const headerCells = block.header.map((cell) => `<th scope="col">${escapeHtml(cell)}</th>`).join('');
      const header = `<thead><tr>${headerCells}</tr></thead>`;
      const rows = block.rows
        .map(
          (row) =>
            `<tr>${row
              .map((cell, index) =>
                index === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`,
              )
              .join('')}</tr>`,
        )
        .join('');
      return `<table>${caption}${header}<tbody>${rows}</tbody></table>`;
    }
    case 'charts':
      return `<div class="charts">${block.svgs.join('')}</div>`;
    case 'saliency':
      return `<div class="saliency">${block.figures
        .map(
          (figure) =>
            `<figure class="example"><div class="panels">${figure.panels
              .map(
                (panel) =>
                  `<div class="panel ${panel.outcome}">` +
                  `<img src="${escapeHtml(panel.dataUri)}" ` +
                  `alt="${escapeHtml(`${panel.title}: ${panel.lines.join(', ')}`)}">` +
                  `<div class="panel-title">${escapeHtml(panel.title)}</div>` +
                  `${panel.lines.map((line) => `<div>${escapeHtml(line)}</div>`).join('')}</div>`,
              )
              .join('')}</div><figcaption>${escapeHtml(figure.caption)}</figcaption></figure>`,
        )
        .join('')}</div>`;
  }
}

export function renderHtml(document: ReportDocument): string {
  const sections = document.sections
    .map(
      (section) =>
        `<section id="${escapeHtml(section.id)}"><h2>${escapeHtml(section.title)}</h2>` +
        `${section.blocks.map(renderBlock).join('\n')}</section>`,
    )
    .join('\n');
  const contents = document.sections
    .map((section) => `<li><a href="#${escapeHtml(section.id)}">${escapeHtml(section.title)}</a></li>`)
    .join('');
  const warning = `<strong>${escapeHtml(document.warning.title)}</strong> ${escapeHtml(document.warning.text)}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(document.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(document.title)}</h1>
<p class="subtitle">${escapeHtml(document.subtitle)}</p>
<div class="warning banner" role="note">${warning}</div>
<nav aria-label="Contents"><ol>${contents}</ol></nav>
</header>
<main>
${sections}
</main>
<footer><p>${escapeHtml(document.warning.title)} ${escapeHtml(document.warning.text)}</p></footer>
</body>
</html>
`;
}
