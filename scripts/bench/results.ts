// What one measurement (a model on a backend, or in PyTorch) reports back to main.ts. A child
// process writes one of these as JSON to the file main.ts names, so the shape is the contract.

export interface KernelTime {
  /** Kernel (tfjs) or operator (PyTorch) name, with the first input's shape where that tells layers apart. */
  name: string;
  /** Milliseconds per training step spent in this kernel itself (nested kernels excluded). */
  selfMs: number;
  calls: number;
}

export interface StepProfile {
  /** Wall time of one profiled step, ms (profiling adds a little). */
  stepMs: number;
  /** Sum of all kernels' self time, ms: the rest of the step is framework work in JavaScript / Python. */
  kernelMs: number;
  top: KernelTime[];
}

export interface RowProtocol {
  imagesPerEpoch: number;
  warmupEpochs: number;
  timedEpochs: number;
  /** True where the row's budget forced a smaller epoch than the protocol's. */
  reduced: boolean;
}

export interface BenchRow {
  model: string;
  /** tfjs backend name, `pytorch` (glibc malloc tuned, main.ts) or `pytorch-glibc-default`. */
  backend: string;
  framework: 'tfjs' | 'pytorch';
  status: 'ok' | 'unavailable' | 'skipped' | 'failed';
  /** Why the row has no numbers. */
  error?: string;
  /** Threads the compute ran on. */
  threads?: number;
  /** Backend notes (build, kernels) or PyTorch's build. */
  notes?: string[];
  protocol?: RowProtocol;
  /** Images/s of each timed epoch, in order. */
  trainEpochRates?: number[];
  trainImagesPerSecond?: number;
  inferenceImagesPerSecond?: number;
  /** Process peak resident set size, bytes. */
  peakRssBytes?: number;
  /** tfjs only: most bytes held by tensors during a training step (tf.profile's peakBytes). */
  peakTensorBytes?: number;
  /** tfjs only: tensors left behind per timed epoch (should be 0). */
  leakedTensorsPerEpoch?: number;
  profile?: StepProfile;
  parameters?: number;
  /** tfjs only: FLOPs of the forward pass for one image, convolutions and dense layers (flops.ts). */
  forwardFlops?: number;
  /** CPU seconds the measuring process used (user + system, all its threads). */
  cpuSeconds?: number;
  /** Share of the machine (0–1) that other processes used while this row ran. */
  otherLoad?: number | null;
}

export interface PythonRequest {
  model: string;
  architecture: string;
  inputShape: number[];
  threads: number;
  resultFile: string;
}
