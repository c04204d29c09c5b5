// What the command handlers work with, passed in once by activate().
import type * as vscode from 'vscode';
import type { DashboardPanels } from '../dashboard/dashboardPanels';
import type { ExperimentIndex } from '../experiments/experimentIndex';
import type { ExperimentsNode, ExperimentsTreeProvider } from '../experiments/experimentsTreeProvider';
import type { MonitorViewProvider } from '../monitor/monitorViewProvider';
import type { RunDiscovery } from '../runs/runDiscovery';
import type { RunLiveness } from '../runs/runLiveness';
import type { RunStore } from '../runs/runStore';
import type { TrainerService } from '../trainer/trainerService';

export interface CommandContext {
  index: ExperimentIndex;
  store: RunStore;
  /** Whether runs this window did not start still have a live trainer (reattach, interrupted). */
  liveness: RunLiveness;
  discovery: RunDiscovery;
  trainer: TrainerService;
  dashboards: DashboardPanels;
  monitor: MonitorViewProvider;
  tree: ExperimentsTreeProvider;
  treeView: vscode.TreeView<ExperimentsNode>;
  log: vscode.LogOutputChannel;
  trainerOutput: vscode.OutputChannel;
  /** The bundled CLI, for the commands that run it (cancel a SLURM job). */
  cliPath: string;
}
