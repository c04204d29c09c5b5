export const MAIN_HELP = `medtransfer — transfer learning on medical images

Usage:
  medtransfer run FILE [options]       run an experiment (*.experiment.yaml|yml|json)
  medtransfer validate FILE...         check experiment files without running them
  medtransfer COMMAND --help           help for a command

Exit codes: 0 ok, 1 invalid experiment file, 2 usage error, 3 run failed.
`;

export const RUN_HELP = `Usage: medtransfer run FILE [options]

Runs the experiment: source (pretrain, or load \`pretrained\`) → head → fine-tune → scratch
baseline → evaluate, and writes the run to RUNS_DIR/<name>/<run-id>/ (events.jsonl,
metrics.json, experiment.json, log.txt, model/, scratch-model/, source-model/).

Options:
  --runs-dir DIR     where runs go (default: runs/ beside the experiment file)
  --backend NAME     auto | tensorflow-gpu | webgpu | tensorflow | wasm | cpu
                     (default: the experiment's \`backend\`, else auto)
  --backend-path DIR also look for @tensorflow/tfjs-node(-gpu) and webgpu in DIR
                     (repeatable; a project folder or a node_modules folder).
                     Also searched: $MEDTRANSFER_BACKEND_PATHS (separated like PATH),
                     node_modules in the experiment's folder and above, the global
                     node_modules (npm's configured prefix, this Node's) and $NODE_PATH
  --run-id ID        name the run folder (default: a timestamp, e.g. 20261124-101500)
  --no-progress      no progress bar: plain log lines on stderr
  --quiet            print only the final comparison table
  -h, --help         this help

Ctrl-C (or SIGTERM, or the \`stop\` IPC message when forked) stops after the current batch,
saves the models and ends the run as \`stopped\`; a second Ctrl-C quits at once.
Exit codes: 0 completed or stopped, 1 invalid experiment file, 2 usage error, 3 run failed.
`;

export const VALIDATE_HELP = `Usage: medtransfer validate FILE...

Checks experiment files against the schema. Problems are printed as FILE:LINE:COL: MESSAGE.
Exit codes: 0 all valid, 1 a file is invalid, 2 usage error.
`;
