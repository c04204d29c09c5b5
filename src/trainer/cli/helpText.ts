export const MAIN_HELP = `medtransfer — transfer learning on medical images

Usage:
  medtransfer run FILE [options]       run an experiment (*.experiment.yaml|yml|json)
  medtransfer resume RUN_DIR [options] continue a stopped, failed or interrupted run
  medtransfer study FILE [options]     run a study (*.study.yaml|yml|json): a grid of runs with
                                       learning curves
  medtransfer submit FILE|RUN_DIR      run an experiment or a study on a SLURM cluster, or resubmit
                                       a run to continue it there
  medtransfer status RUN_DIR|STUDY_DIR where submitted runs stand (the folder, then SLURM)
  medtransfer cancel RUN_DIR|STUDY_DIR cancel their SLURM jobs (the trainer saves and stops)
  medtransfer validate FILE...         check experiment and study files without running them
  medtransfer explain RUN_DIR IMAGE... saliency maps of a run's models on image files
  medtransfer report RUN_DIR|STUDY_DIR write report.html and report.md (a run's, with a model card;
                                       or a study's, with its learning curves)
  medtransfer inspect-weights FILE     what a PyTorch, safetensors or Keras weight file holds
  medtransfer import FILE --architecture A --out DIR
                                       a weight file as a TF.js model folder, for \`pretrained\`
  medtransfer export RUN_DIR --format onnx [--out FILE]
                                       the fine-tuned model as an ONNX file
  medtransfer predict RUN_DIR|MODEL_DIR IMAGE|FOLDER...
                                       a row per image: probabilities and the model's decision
  medtransfer COMMAND --help           help for a command

Exit codes: 0 ok, 1 invalid experiment file, 2 usage error, 3 run failed, 4 no backend could start,
5 predict skipped files it could not read as images.
`;

export const RUN_HELP = `Usage: medtransfer run FILE [options]

Runs the experiment: source (pretrain, or load \`pretrained\`) → head → fine-tune → scratch
baseline → evaluate, and writes the run to RUNS_DIR/<name>/<run-id>/ (events.jsonl,
metrics.json, experiment.json, log.txt, model/, scratch-model/, source-model/).

Options:
  --runs-dir DIR     where runs go (default: runs/ beside the experiment file)
  --backend NAME     auto | tensorflow-gpu | webgpu | tensorflow | native | wasm | cpu
                     (default: the experiment's \`backend\`, else auto)
  --backend-path DIR also look for @tensorflow/tfjs-node(-gpu) and webgpu in DIR
                     (repeatable; a project folder or a node_modules folder).
                     Also searched: $MEDTRANSFER_BACKEND_PATHS (separated like PATH),
                     node_modules in the experiment's folder and above, the global
                     node_modules (npm's configured prefix, this Node's) and $NODE_PATH
  --run-id ID        name the run folder (default: a timestamp, e.g. 20261124-101500);
                     a plain name: letters, digits, ".", "_" and "-"
  --no-progress      no progress bar: plain log lines on stderr
  --quiet            print only the final comparison table
  --study FILE --point P --seed S
                     one run of a study (how \`medtransfer study\` starts its runs): FILE
                     must vary this experiment; run-started and metrics.json name them
  -h, --help         this help

Ctrl-C (or SIGTERM, or the \`stop\` IPC message when forked) stops after the current batch,
saves the models and ends the run as \`stopped\`; a second Ctrl-C quits at once.
A failed run's last line names its kind (errorKind in run-ended): experiment problem, data
problem, out of memory, training diverged, backend problem or internal error.
Exit codes: 0 completed or stopped, 1 invalid experiment file, 2 usage error, 3 run failed,
4 no backend could start (nothing ran).
`;

export const RESUME_HELP = `Usage: medtransfer resume RUN_DIR [options]

Continues a stopped, failed or interrupted run (the trainer was killed, crashed, or the
machine went down) from its last checkpoint, RUN_DIR/checkpoint/, written at the end of
every epoch. The run goes on in the same folder: events.jsonl and log.txt are appended to,
the models and metrics.json are written when it ends. With the same backend, the result is
the one an uninterrupted run would have given.

While it trains it holds RUN_DIR/trainer.lock (as \`run\` does); the lock of a trainer that
died is taken over. Refuses (exit 2) a run that completed, a run another trainer is running
("another trainer is running it: pid N"), a run whose checkpoints are missing (it says which
epochs had finished and what can still be done), and a run killed before its first epoch
ended ("nothing to resume: no epoch finished; run again").

Options:
  --backend NAME     auto | tensorflow-gpu | webgpu | tensorflow | native | wasm | cpu
                     (default: the experiment's \`backend\`, else auto)
  --backend-path DIR also look for optional backends in DIR (as for \`run\`)
  --no-progress      no progress bar: plain log lines on stderr
  --quiet            print only the final comparison table
  -h, --help         this help

Exit codes: 0 completed or stopped, 1 invalid experiment.json, 2 nothing to resume or usage
error, 3 run failed, 4 no backend could start.
`;

export const STUDY_HELP = `Usage: medtransfer study FILE [options]

Runs every combination of the study's \`vary\` lists once per seed. Each run is a normal run
folder, RUNS_DIR/<experiment name>/<run-id>/, whose run-started names the study, the point and
the seed; RUNS_DIR/<study name>.study/study.json holds the points, the runs, their status and
the analysis, rewritten as each run ends. A failed run does not stop the others.

Analysis: per point and model, AUC, balanced accuracy, sensitivity and specificity as the mean
over seeds with a 95% interval (seed variation and test-set sampling combined), the gain and
DeLong's p per seed. When target.labelsPerClass or target.fraction varies, also an inverse
power law 1 − AUC = a·n^(−b) + c per model, the labels per class to reach the \`goal\`, the
label-saving factor and the crossover.

Options:
  --runs-dir DIR     where runs and the study folder go (default: runs/ beside the study file)
  --max-parallel N   run N trainers at once (default 1)
  --resume           continue the study: skip runs that ended (completed or failed), resume
                     stopped or interrupted ones from their checkpoint, start the rest
  --backend NAME     auto | tensorflow-gpu | webgpu | tensorflow | native | wasm | cpu
  --backend-path DIR also look for optional backends in DIR (as for \`run\`)
  --no-progress      the runs' log lines on stderr, each prefixed with its point and seed
  --quiet            only a line per run started and ended, and the final table
  -h, --help         this help

Ctrl-C stops the running runs after their current batch (they can be resumed with --resume)
and starts no more. Exit codes: 0 every run completed (or stopped), 1 invalid study file,
2 usage error (or the study folder exists: use --resume), 3 a run failed.
`;

export const VALIDATE_HELP = `Usage: medtransfer validate FILE...

Checks experiment and study files (*.study.yaml|yml|json: also their base experiment and every
combination of their values) against the schema. Problems are printed as FILE:LINE:COL: MESSAGE.
Exit codes: 0 all valid, 1 a file is invalid, 2 usage error.
`;

export const EXPLAIN_HELP = `Usage: medtransfer explain RUN_DIR IMAGE... [options]

Loads the run's fine-tuned and scratch models (model/, scratch-model/) and its preprocessing
(experiment.json), decodes each image as the run's target dataset was decoded (PNG, JPEG or
DICOM: frame, window, resize mode), predicts, and computes a saliency map of each model's
answer: Grad-CAM on the last convolutional feature map (HiResCAM where it is flattened into
dense layers), or SmoothGrad for models without one. A binary model answers at its operating
point (the threshold in its metadata.json, chosen on the validation split, as the evaluation
did: "pneumonia at the operating point 0.93"), and the argmax is named where it differs; other
models answer with the argmax.

Options:
  --json             print the result as JSON on stdout (saliency.json's format; images are
                     numbered in the order given, file names are not repeated)
  --out FILE         also write that JSON to FILE
  --method NAME      auto | grad-cam | hirescam | smoothgrad (default: the experiment's
                     evaluation.saliency.method, else auto)
  --backend NAME     auto | tensorflow-gpu | webgpu | tensorflow | native | wasm | cpu (default: wasm)
  --backend-path DIR also look for optional backends in DIR (repeatable)
  -h, --help         this help

Exit codes: 0 ok, 2 usage error, 3 failed (an unreadable image, a folder that is no run).
`;

export const REPORT_HELP = `Usage: medtransfer report RUN_DIR|STUDY_DIR [--out DIR]

Writes report.html (self-contained: inline styles and SVG charts, saliency overlays as PNG data,
no scripts, nothing remote; prints well) and report.md into DIR (default: RUN_DIR): the
experiment, data per class and split, training curves, confusion matrices, metrics with their
confidence intervals and DeLong's test where the run computed them, calibration, the operating
point, saliency examples, and a model card. The model is not a medical device.

For a study folder (RUNS_DIR/<study name>.study/), DIR defaults to STUDY_DIR/report/: the
label-efficiency chart (both models with their intervals and fitted curves, labels on a log
axis, the goal, the crossover), the table of points, the fits and a methods paragraph.

Exit codes: 0 ok, 2 usage error, 3 failed (not a run folder, unreadable files).
`;

export const INSPECT_WEIGHTS_HELP = `Usage: medtransfer inspect-weights FILE [--json]

Says what a weight file holds without converting its tensors: the format (PyTorch zip or legacy
state dict, whole pickled module, .safetensors, Keras 2 .h5 full model or weights only), the
number of tensors and of parameters (batch-norm statistics not counted), the architecture it
seems to be (torchvision resnet18, resnet50, densenet121, mobilenet_v2, efficientnet_b0; Keras
ResNet50, DenseNet121, InceptionV3 as RadImageNet ships them; or unknown) and its classifier
head with its number of classes. Reading a PyTorch file never runs code from it.

Options:
  --json             print the description as JSON
  -h, --help         this help

Exit codes: 0 ok, 2 usage error, 3 not a readable weight file.
`;

export const IMPORT_HELP = `Usage: medtransfer import FILE --architecture A --out DIR [--size N] [--preprocessing P]

Converts a weight file (PyTorch .pth/.pt/.bin or .safetensors with torchvision's keys; the file's
content decides the reader) into a TF.js model folder: model.json, weights.bin and metadata.json.
An experiment naming the folder as \`pretrained\` then starts without reading the file again, with
the same weights and preprocessing as from the file. The folder keeps the file's classifier head
(as softmax; metadata.json's sourceHead says which tensors) in front of which runs put their own.
A file that does not fit the architecture is refused, naming the first tensors that differ.

Options:
  --architecture A   resnet18, resnet50, densenet121, mobilenetv2 or efficientnetb0
  --out DIR          the model folder to write (replaced whole if it exists)
  --size N           the image size the model takes, N×N×3 (default 224); runs from the folder
                     resize their images to it
  --preprocessing P  imagenet, caffe, xrayvision or none; by default what the weights need
                     (imagenet for torchvision and timm files, xrayvision for TorchXRayVision)
  -h, --help         this help

Exit codes: 0 written, 1 the file cannot be read or does not fit, 2 usage error.
`;

export const EXPORT_HELP = `Usage: medtransfer export RUN_DIR|MODEL_DIR --format onnx [--out FILE]

Writes a run's fine-tuned model (RUN_DIR/model/), or a model folder (one from \`medtransfer
import\`), as an ONNX file (opset 17). The graph takes images as the trainer gives them to the
model: float32 [batch, height, width, channels] with pixel values in [0, 1]; the model's own
preprocessing and channel adapter are inside it, and its output is the probability of each class.
The file's metadata says the classes, the preprocessing, the input and, for a binary model, the
decision threshold chosen by the evaluation. A layer with no ONNX counterpart is refused by name.

Options:
  --format onnx      the file format (onnx, the default and only one)
  --out FILE         where to write (default: model.onnx in RUN_DIR or MODEL_DIR)
  -h, --help         this help

Exit codes: 0 written, 2 usage error, 3 failed (no model in the folder, a layer ONNX cannot take).
`;

export const PREDICT_HELP = `Usage: medtransfer predict RUN_DIR|MODEL_DIR (IMAGE|FOLDER...|--csv LIST) [options]

Runs a model on image files, a batch at a time, and writes a row per image: its path as given
(a folder's files as FOLDER/inside/it.png; a CSV list's as listed), the slice (for a NIfTI volume,
which gives the slices its run's dataset took, else its middle axial slice; empty otherwise), and
  - for a run (its fine-tuned model, model/) or any model folder with its own classes: the softmax
    probability of each class, p(CLASS), and the decision: a binary model's at its operating point
    (the threshold in metadata.json, chosen on the validation split), else the class with the
    highest probability;
  - for a folder from \`medtransfer import\` that kept its weight file's head: the top 5 classes,
    index, name (ImageNet's for a 1,000-class head, else "class N") and probability.
Images are decoded as the run's target dataset was (PNG, JPEG, DICOM: frame, window; NIfTI
.nii/.nii.gz: slices, window; resize mode) and resized to the model's input; the model applies its
own preprocessing. Folders are read recursively for .png, .jpg, .jpeg, .dcm, .dicom, .nii and
.nii.gz files (and DICOM files without an extension). DICOM identifiers are never read.
Files that are not readable images are named on stderr and skipped; the others are predicted.

Options:
  --csv LIST         also predict the images a CSV file lists (a path, file or image column, else
                     the first; paths relative to the list's folder)
  --out FILE         write the output to FILE instead of stdout
  --json             JSON instead of CSV (classes, decision, predictions, skipped)
  --backend NAME     auto | tensorflow-gpu | webgpu | tensorflow | native | wasm | cpu (default: wasm)
  --backend-path DIR also look for optional backends in DIR (repeatable)
  -h, --help         this help

Exit codes: 0 ok, 2 usage error, 3 failed (not a run or model folder, an unreadable list),
5 done, but some files were skipped (named on stderr as: medtransfer: skipped "PATH": why).
`;

export const SUBMIT_HELP = `Usage: medtransfer submit FILE|RUN_DIR [options]

Runs an experiment file as a SLURM job, or a study file as one SLURM job array (a task per
run), with this Node and this CLI. The run folder is made at once, holding job.sh (the batch
script, kept to read or resubmit) and slurm-job.json (the job); the trainer fills it when the
job starts. Given a run folder (stopped, failed, interrupted, or never started), resubmits it:
the job continues from the run's checkpoint. Cluster options never go into the experiment file.

Options:
  --partition P      sbatch --partition
  --time T           sbatch --time (MM, HH:MM:SS, D-HH:MM:SS); the trainer is sent SIGUSR1 a
                     tenth of it before (30 s to 5 min; SLURM may send it up to a minute
                     earlier), saves and ends the run failed (time limit), resumable
  --cpus N           sbatch --cpus-per-task (default 1)
  --gpus N           sbatch --gpus (N, or TYPE:N)
  --mem SIZE         sbatch --mem (16G, 4000M)
  --account A        sbatch --account
  --qos Q            sbatch --qos
  --sbatch-arg=ARG   one more #SBATCH option, as --name or --name=value (repeatable)
  --requeue          let SLURM requeue the job (preemption, node failure): it resumes by
                     itself from its last checkpoint
  --max-parallel N   a study: at most N of its runs at once (the array's %N)
  --runs-dir DIR     where runs go (default: runs/ beside the file)
  --run-id ID        name the run folder (an experiment)
  --backend NAME     the trainer's backend (default: the experiment's)
  --dry-run          print the job script(s); submit nothing, make no folder
  -h, --help         this help

Then: \`medtransfer status RUN_DIR|STUDY_DIR\` (queued with SLURM's reason, running, how it
ended), \`medtransfer cancel RUN_DIR|STUDY_DIR\` (scancel: the trainer saves and stops).
`;

export const STATUS_HELP = `Usage: medtransfer status RUN_DIR|STUDY_DIR... [--json]

Where submitted runs stand: the run folder first, then SLURM (squeue, sacct) for what the
folder cannot know: pending and why, or a job that ended without the trainer ending the run
(time limit, out of memory, node failure, cancelled with SIGKILL). Such an end is written into
the run's events.jsonl, so that every reader agrees. A study folder: each of its runs, and
study.json brought up to date.
`;

export const CANCEL_HELP = `Usage: medtransfer cancel RUN_DIR|STUDY_DIR...

scancel for a submitted run's job, or a study's whole job array. The trainer gets SIGTERM,
stops after the current batch and saves; \`medtransfer submit RUN_DIR\` continues it.
`;
