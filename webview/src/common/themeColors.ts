// Canvas drawing (uPlot) cannot use CSS variables, so the chart colours are read from VS Code's
// theme variables as concrete rgb values, and read again when the theme changes.

export interface ThemeColors {
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  fontFamily: string;
  /** Series colours: VS Code's chart palette. */
  blue: string;
  orange: string;
  green: string;
  purple: string;
  red: string;
  yellow: string;
  /** True in high-contrast themes: thicker lines, no faded series. */
  highContrast: boolean;
}

type Rgba = [number, number, number, number];

function parseRgb(value: string): Rgba | null {
  const match = /rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/.exec(value);
  if (!match) return null;
  const alphaText = match[4];
  const alpha =
    alphaText === undefined ? 1 : alphaText.endsWith('%') ? Number(alphaText.slice(0, -1)) / 100 : Number(alphaText);
  return [Number(match[1]), Number(match[2]), Number(match[3]), alpha];
}

/** `rgba(…)` of `color` with its alpha multiplied by `alpha`. */
export function withAlpha(color: string, alpha: number): string {
  const rgba = parseRgb(color);
  if (!rgba) return color;
  return `rgba(${rgba[0]}, ${rgba[1]}, ${rgba[2]}, ${Number((rgba[3] * alpha).toFixed(3))})`;
}

export function readThemeColors(): ThemeColors {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  document.body.appendChild(probe);
  const resolve = (expression: string): string => {
    probe.style.color = '';
    probe.style.color = expression;
    return getComputedStyle(probe).color;
  };
  const colors: ThemeColors = {
    foreground: resolve('var(--vscode-editor-foreground, var(--vscode-foreground, #cccccc))'),
    muted: resolve('var(--vscode-descriptionForeground, #9d9d9d)'),
    grid: withAlpha(resolve('var(--vscode-editor-foreground, #cccccc)'), 0.12),
    background: resolve('var(--vscode-editor-background, #1e1e1e)'),
    fontFamily: getComputedStyle(document.body).fontFamily || 'sans-serif',
    blue: resolve('var(--vscode-charts-blue, #3794ff)'),
    orange: resolve('var(--vscode-charts-orange, #d18616)'),
    green: resolve('var(--vscode-charts-green, #89d185)'),
    purple: resolve('var(--vscode-charts-purple, #b180d7)'),
    red: resolve('var(--vscode-charts-red, #f14c4c)'),
    yellow: resolve('var(--vscode-charts-yellow, #cca700)'),
    highContrast:
      document.body.classList.contains('vscode-high-contrast') ||
      document.body.classList.contains('vscode-high-contrast-light'),
  };
  probe.remove();
  return colors;
}

/** Calls `changed` when VS Code switches theme (it rewrites the body class and the html style). */
export function onThemeChange(changed: () => void): () => void {
  let last = themeSignature();
  const observer = new MutationObserver(() => {
    const signature = themeSignature();
    if (signature === last) return;
    last = signature;
    changed();
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

function themeSignature(): string {
  return `${document.body.className}|${document.documentElement.getAttribute('style') ?? ''}`;
}
