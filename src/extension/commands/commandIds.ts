// Command ids (contributed in package.json; a unit test keeps the two in step).
export const COMMANDS = {
  runExperiment: 'medtransfer.runExperiment',
  stopRun: 'medtransfer.stopRun',
  openDashboard: 'medtransfer.openDashboard',
  newExperiment: 'medtransfer.newExperiment',
  compareRuns: 'medtransfer.compareRuns',
  openRunsTable: 'medtransfer.openRunsTable',
  revealRunFolder: 'medtransfer.revealRunFolder',
  showTrainerLog: 'medtransfer.showTrainerLog',
  selectBackend: 'medtransfer.selectBackend',
  deleteRun: 'medtransfer.deleteRun',
  showMonitor: 'medtransfer.showMonitor',
  refreshExperiments: 'medtransfer.refreshExperiments',
  explainRestrictedMode: 'medtransfer.explainRestrictedMode',
  resumeRun: 'medtransfer.resumeRun',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Commands of the backends feature (src/extension/backends), registered by that feature itself. */
export const BACKEND_COMMANDS = {
  installBackend: 'medtransfer.installBackend',
} as const;

/** Commands of the evaluation features (src/extension/report, src/extension/explain), registered by them. */
export const EVALUATION_COMMANDS = {
  exportReport: 'medtransfer.exportReport',
  exportOnnx: 'medtransfer.exportOnnx',
  explainImage: 'medtransfer.explainImage',
  predictWithModel: 'medtransfer.predictWithModel',
} as const;

/** Commands of the studies feature (src/extension/studies), registered by it. */
export const STUDY_COMMANDS = {
  runStudy: 'medtransfer.runStudy',
  resumeStudy: 'medtransfer.resumeStudy',
  stopStudy: 'medtransfer.stopStudy',
  openStudy: 'medtransfer.openStudy',
} as const;

/** Commands of the cluster feature (src/extension/cluster), registered by it. */
export const CLUSTER_COMMANDS = {
  runOnCluster: 'medtransfer.runOnCluster',
} as const;

/**
 * Commands that start a process: refused in Restricted Mode (trust/workspaceTrust.ts). Explain, Predict and
 * Export Report count too: the CLI they start looks for optional backends in the workspace's
 * node_modules, which an untrusted workspace could fill with code.
 */
export const COMMANDS_NEEDING_TRUST: ReadonlySet<string> = new Set([
  COMMANDS.runExperiment,
  COMMANDS.resumeRun,
  STUDY_COMMANDS.runStudy,
  STUDY_COMMANDS.resumeStudy,
  BACKEND_COMMANDS.installBackend,
  EVALUATION_COMMANDS.exportReport,
  EVALUATION_COMMANDS.exportOnnx,
  EVALUATION_COMMANDS.explainImage,
  EVALUATION_COMMANDS.predictWithModel,
  CLUSTER_COMMANDS.runOnCluster,
]);

/** Context keys set by the extension, for `when` clauses in package.json. */
export const CONTEXT_KEYS = {
  hasActiveRuns: 'medtransfer.hasActiveRuns',
} as const;
