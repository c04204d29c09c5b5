// parseExperiment's problems (1-based lines and columns, as the CLI prints them) as editor
// ranges (0-based, end exclusive), never empty, so every problem gets a visible squiggle.
import type { ExperimentDiagnostic } from '../../shared/experiment/validatedYaml';

export interface EditorRange {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface EditorProblem {
  range: EditorRange;
  message: string;
  /** The dotted key the problem is about, as the diagnostic's code (empty: the whole file). */
  path: string;
}

/** `lineLength(line)` gives the length of a 0-based line (for clamping and widening). */
export function toEditorProblem(
  diagnostic: ExperimentDiagnostic,
  lineLength: (line: number) => number,
  lineCount: number,
): EditorProblem {
  const clampLine = (line: number) => Math.min(Math.max(0, line - 1), Math.max(0, lineCount - 1));
  const startLine = clampLine(diagnostic.start.line);
  const endLine = Math.max(startLine, clampLine(diagnostic.end.line));
  const startCharacter = Math.min(Math.max(0, diagnostic.start.column - 1), lineLength(startLine));
  let endCharacter = Math.min(Math.max(0, diagnostic.end.column - 1), lineLength(endLine));
  if (endLine === startLine && endCharacter <= startCharacter) {
    // Empty (a missing key at the end of a line, an empty file): widen to one character, or
    // back over the line's last one, so the squiggle shows.
    // An empty line (an error at the end of the file) borrows the last character before it.
    let line = startLine;
    while (line > 0 && lineLength(line) === 0) line--;
    const length = lineLength(line);
    if (line === startLine && startCharacter < length) endCharacter = startCharacter + 1;
    else
      return {
        range: { startLine: line, startCharacter: Math.max(0, length - 1), endLine: line, endCharacter: length },
        message: diagnostic.message,
        path: diagnostic.path,
      };
  }
  return {
    range: { startLine, startCharacter, endLine, endCharacter },
    message: diagnostic.message,
    path: diagnostic.path,
  };
}

/** Maps every problem of a text. */
export function toEditorProblems(diagnostics: readonly ExperimentDiagnostic[], text: string): EditorProblem[] {
  const lines = text.split(/\r?\n/);
  return diagnostics.map((diagnostic) => toEditorProblem(diagnostic, (line) => lines[line]?.length ?? 0, lines.length));
}
