// What the editor needs to know about a study file, from its text and its base experiment's:
// its problems (parseStudy, then checkStudyPoints against the base, each at its line), its name
// and how many runs it asks for. No vscode: the base is read through `readBase`.
import { dirname, isAbsolute, resolve } from 'node:path';
import type { ExperimentDiagnostic } from '../../shared/experiment/validatedYaml';
import type { BaseExperimentText } from '../../shared/study/checkStudyPoints';
import { checkStudyPoints } from '../../shared/study/checkStudyPoints';
import { parseStudy } from '../../shared/study/parseStudy';

export interface StudySummary {
  /** The `name` key when it parses (names the study folder); null otherwise. */
  name: string | null;
  valid: boolean;
  diagnostics: ExperimentDiagnostic[];
  /** Points × seeds, when the study checks out. */
  runCount: number | null;
  /** The base experiment file (absolute), when the study parses. */
  experimentFile: string | null;
}

export function summarizeStudy(
  text: string,
  studyFile: string,
  readBase: (path: string) => BaseExperimentText,
): StudySummary {
  const parsed = parseStudy(text);
  if (!parsed.ok)
    return { name: null, valid: false, diagnostics: parsed.diagnostics, runCount: null, experimentFile: null };
  const { study } = parsed;
  const experimentFile = isAbsolute(study.experiment)
    ? study.experiment
    : resolve(dirname(studyFile), study.experiment);
  const checked = checkStudyPoints(parsed.located, readBase(experimentFile));
  if (!checked.ok)
    return { name: study.name, valid: false, diagnostics: checked.diagnostics, runCount: null, experimentFile };
  return {
    name: study.name,
    valid: true,
    diagnostics: [],
    runCount: checked.points.length * checked.seeds.length,
    experimentFile,
  };
}
