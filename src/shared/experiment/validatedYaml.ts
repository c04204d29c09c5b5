// Parses a YAML (or JSON) file and validates it against a zod schema, giving each problem the
// line and column of the key or value it is about, and an unknown key a did-you-mean. Experiment
// files (parseExperiment.ts) and study files (src/shared/study/parseStudy.ts) share it, so both
// refuse bad input the same way: syntax errors, duplicate keys, alias bombs, many problems.
import { isMap, isPair, isSeq, LineCounter, parseDocument, visit } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { indexDocument } from './documentIndex';
import type { DocumentIndex, PathSegment } from './documentIndex';
import { duplicateKeys } from './duplicateKeys';
import { errorMessage } from '../errors/errorMessage';
import { counted } from '../text/plural';

export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export interface ExperimentDiagnostic {
  start: SourcePosition;
  end: SourcePosition;
  message: string;
  /** Dotted key path the problem is about (`training.learningRate`), empty for the whole file. */
  path: string;
}

/** How many aliases a file may expand: an experiment needs a handful; a "billion laughs" needs millions. */
const MAX_ALIAS_COUNT = 100;

/** Problems listed for one file; a file with thousands (generated, or hostile) gets a count of the rest. */
export const MAX_DIAGNOSTICS = 50;

export interface YamlFileKind<T> {
  /** `experiment`, `study`: said in messages (`the experiment file is empty…`). */
  noun: string;
  schema: z.ZodType<T>;
  /** What to say when the file holds nothing. */
  emptyMessage: string;
  /** Keys allowed at `path`, for an unknown key's did-you-mean. */
  knownKeysAt: (path: readonly PathSegment[], valueAtPath: unknown) => string[];
  /** A kind's own wording of a zod message (the experiment's unknown dataset type). */
  describeMessage?: (issue: z.core.$ZodIssue) => string | undefined;
}

/** The parsed file with what later checks need to place their own problems in it. */
export interface LocatedYaml<T> {
  value: T;
  /** The JS value as written (no defaults applied). */
  raw: unknown;
  /** Line and column of the node at `path` (its key when `key` is asked), or of the file's start. */
  locate: (path: readonly PathSegment[], key?: boolean) => { start: SourcePosition; end: SourcePosition };
}

export type ParsedYaml<T> = { ok: true; located: LocatedYaml<T> } | { ok: false; diagnostics: ExperimentDiagnostic[] };

/** Parses and validates the text; never throws on bad input. */
export function parseValidatedYaml<T>(text: string, kind: YamlFileKind<T>): ParsedYaml<T> {
  const lineCounter = new LineCounter();
  const toPosition = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    return { line, column: col };
  };
  try {
    return parseAndValidate(text, kind, lineCounter, toPosition);
  } catch (error) {
    // Whatever slips through (a nesting deep enough to exhaust the stack), the file is refused
    // with a message, never with an exception.
    const reason =
      error instanceof RangeError ? 'it is nested too deeply or too large to read' : firstLine(errorMessage(error));
    const message = `cannot read the ${kind.noun} file: ${reason}`;
    return {
      ok: false,
      diagnostics: [{ start: { line: 1, column: 1 }, end: toPosition(text.length), message, path: '' }],
    };
  }
}

function parseAndValidate<T>(
  text: string,
  kind: YamlFileKind<T>,
  lineCounter: LineCounter,
  toPosition: (offset: number) => SourcePosition,
): ParsedYaml<T> {
  // Duplicate keys are found by duplicateKeys(), in linear time: yaml's own check is quadratic.
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });

  const syntaxErrors: LocatedIssue[] = document.errors.map((error) => ({
    range: error.pos,
    message: () =>
      /call stack/i.test(error.message)
        ? 'syntax error: the file is nested too deeply to read'
        : `syntax error: ${firstLine(error.message)}`,
    path: '',
  }));
  for (const duplicate of duplicateKeys(document)) {
    syntaxErrors.push({
      range: rangeOf(duplicate.node),
      message: () =>
        `syntax error: duplicate key \`${duplicate.key}\` ` +
        `(first given at line ${toPosition(rangeOf(duplicate.first)[0]).line})`,
      path: '',
    });
  }
  if (syntaxErrors.length > 0) return { ok: false, diagnostics: listProblems(syntaxErrors, toPosition) };

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // An unresolved alias, or an alias bomb (yaml stops expanding past maxAliasCount).
    const [start, end] = rangeOf(firstAlias(document));
    const message = /resource exhaustion/.test(errorMessage(error))
      ? `aliases expand to too much data (more than ${MAX_ALIAS_COUNT} alias uses): ` +
        `an ${kind.noun} file needs few or none`
      : `syntax error: ${firstLine(errorMessage(error))}`;
    return { ok: false, diagnostics: [{ start: toPosition(start), end: toPosition(end), message, path: '' }] };
  }
  if (value === null || value === undefined) {
    const whole = { start: toPosition(0), end: toPosition(text.length), path: '' };
    return { ok: false, diagnostics: [{ ...whole, message: kind.emptyMessage }] };
  }

  const index = indexDocument(document);
  const result = kind.schema.safeParse(value);
  if (result.success) {
    const locate = (path: readonly PathSegment[], key = false) => {
      const node = key && path.length > 0 ? index.pairAt(path.slice(0, -1), path[path.length - 1])?.key : undefined;
      const [start, end] = rangeOf(node ?? index.nodeAt(path) ?? document.contents, true);
      return { start: toPosition(start), end: toPosition(end) };
    };
    return { ok: true, located: { value: result.data, raw: value, locate } };
  }
  const located = result.error.issues.flatMap((issue) => describeIssue(issue, document, index, value, kind));
  return { ok: false, diagnostics: listProblems(located, toPosition) };
}

/**
 * The problems in file order, each message written only for the first MAX_DIAGNOSTICS (an
 * unknown key's suggestion costs an edit distance per known key), then one that counts the rest,
 * placed where the rest begins.
 */
function listProblems(
  problems: LocatedIssue[],
  toPosition: (offset: number) => SourcePosition,
): ExperimentDiagnostic[] {
  const ordered = problems.sort((a, b) => a.range[0] - b.range[0] || a.range[1] - b.range[1]);
  const listed = ordered.slice(0, MAX_DIAGNOSTICS).map((problem) => ({
    start: toPosition(problem.range[0]),
    end: toPosition(problem.range[1]),
    message: firstLine(problem.message()),
    path: problem.path,
  }));
  const next = ordered[MAX_DIAGNOSTICS];
  if (next === undefined) return listed;
  const more = counted(ordered.length - MAX_DIAGNOSTICS, 'more problem', {
    plural: 'more problems',
    format: (count) => count.toLocaleString('en-US'),
  });
  listed.push({
    start: toPosition(next.range[0]),
    end: toPosition(next.range[1]),
    message: `${more} from here on, not listed (only the first ${MAX_DIAGNOSTICS} are)`,
    path: '',
  });
  return listed;
}

function firstAlias(document: Document): unknown {
  let found: unknown;
  visit(document, {
    Alias(_, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found ?? document.contents;
}

interface LocatedIssue {
  range: [number, number];
  /** Written only for the problems that are listed. */
  message: () => string;
  path: string;
}

function describeIssue<T>(
  issue: z.core.$ZodIssue,
  document: Document,
  index: DocumentIndex,
  value: unknown,
  kind: YamlFileKind<T>,
): LocatedIssue[] {
  const { nodeAt, pairAt } = index;
  const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
  const dotted = formatPath(path);

  if (issue.code === 'unrecognized_keys') {
    const known = kind.knownKeysAt(path, valueAt(value, path));
    const where = dotted ? ` in \`${dotted}\`` : '';
    return issue.keys.map((key) => ({
      range: rangeOf(pairAt(path, key)?.key ?? nodeAt(path) ?? document.contents),
      message: () => unknownKeyMessage(key, known, where),
      path: formatPath([...path, key]),
    }));
  }

  const node = nodeAt(path);
  const missing = node === undefined && valueAt(value, path) === undefined;
  if (missing && path.length > 0) {
    const parentPath = path.slice(0, -1);
    const parentPair =
      parentPath.length > 0 ? pairAt(parentPath.slice(0, -1), parentPath[parentPath.length - 1]) : undefined;
    const anchor = parentPair?.key ?? nodeAt(parentPath) ?? document.contents;
    const key = String(path[path.length - 1]);
    const where = parentPath.length > 0 ? ` in \`${formatPath(parentPath)}\`` : '';
    return [{ range: rangeOf(anchor, true), message: () => `missing required key \`${key}\`${where}`, path: dotted }];
  }

  const label = dotted ? `\`${dotted}\`: ` : '';
  const message = () => `${label}${kind.describeMessage?.(issue) ?? zodMessage(issue)}`;
  return [{ range: rangeOf(node ?? document.contents), message, path: dotted }];
}

/** `unknown key \`x\` in \`where\`; did you mean …?`, or the keys there are. */
export function unknownKeyMessage(key: string, known: readonly string[], where: string): string {
  const suggestion = closestKey(key, known);
  const hint = suggestion
    ? `; did you mean \`${suggestion}\`?`
    : known.length > 0
      ? `; expected one of: ${known.join(', ')}`
      : '';
  return `unknown key \`${key}\`${where}${hint}`;
}

/** zod's message without its generic prefixes. */
export function zodMessage(issue: z.core.$ZodIssue): string {
  return issue.message.replace(/^Invalid input: /, '').replace(/^Invalid option: /, '');
}

export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, index) => (typeof segment === 'number' ? `[${segment}]` : index === 0 ? segment : `.${segment}`))
    .join('');
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

/** The node's source range; for a map or sequence, only its first line unless `whole` is asked. */
function rangeOf(node: unknown, firstLineOnly = false): [number, number] {
  if (!node || typeof node !== 'object' || !('range' in node)) return [0, 0];
  const range = (node as YamlNode).range;
  if (!range) return [0, 0];
  const [start, valueEnd] = range;
  if ((isMap(node) || isSeq(node)) && (firstLineOnly || valueEnd - start > 200)) {
    const firstItem = node.items[0];
    const firstKey = isPair(firstItem) ? firstItem.key : firstItem;
    const end =
      firstKey && typeof firstKey === 'object' && 'range' in firstKey ? (firstKey as YamlNode).range?.[1] : undefined;
    return [start, end ?? start + 1];
  }
  return [start, Math.max(valueEnd, start + 1)];
}

/** The first line of a message, shortened: messages can quote a whole value from the file. */
function firstLine(message: string): string {
  const line = message.split('\n')[0] ?? message;
  return line.length > 300 ? `${line.slice(0, 297)}…` : line;
}

/** The known key nearest to a misspelt one, when it is close enough to be a typo. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(best.key.length / 3)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
