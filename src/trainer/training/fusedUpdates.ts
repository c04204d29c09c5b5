// What the fused optimizers (fusedAdam.ts, fusedMomentum.ts, fusedRmsProp.ts) share: whether the active backend
// has their kernel, and applyGradients' two forms of gradients read as tfjs's optimizers read them.
import { engine, getBackend, getKernel, tidy, zerosLike } from '@tensorflow/tfjs-core';
import type { AdamOptimizer, NamedAttrMap, NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';

/** What tfjs's optimizers' applyGradients take: gradients by variable name, or named gradients in order. */
export type VariableGradients = Parameters<AdamOptimizer['applyGradients']>[0];

/** An optimizer's slot, as tfjs's optimizers keep them (OptimizerVariable, not exported by tfjs-core). */
export interface OptimizerSlot {
  originalName: string;
  variable: Variable;
}

export function kernelOnActiveBackend(kernelName: string): boolean {
  return getKernel(kernelName, getBackend()) !== undefined;
}

export function variableNames(gradients: VariableGradients): string[] {
  return Array.isArray(gradients) ? gradients.map((gradient) => gradient.name) : Object.keys(gradients);
}

export function registeredVariable(optimizer: string, name: string): Variable {
  const variable = engine().registeredVariables[name];
  if (variable === undefined) throw new Error(`${optimizer}: no variable named ${name}`);
  return variable;
}

/** The gradient of the i-th name, or undefined where there is none (the variable is then left alone). */
export function gradientAt(gradients: VariableGradients, name: string, i: number): Tensor | undefined {
  return (Array.isArray(gradients) ? gradients[i]?.tensor : gradients[name]) ?? undefined;
}

/** A scalar tensor's float32 value (an optimizer's running β power, momentum or −rate). */
export function scalarValue(optimizer: string, tensor: Tensor): number {
  const [value] = tensor.dataSync();
  if (value === undefined) throw new Error(`${optimizer}: an empty scalar`);
  return value;
}

/** A slot of zeros shaped like `value`, as tfjs's optimizers create one on a variable's first update. */
export function zeroSlot(value: Variable, originalName: string): OptimizerSlot {
  return { originalName, variable: tidy(() => zerosLike(value).variable(false)) };
}

/** Runs an update kernel and returns its `outputs` new tensors (new value first, then the slots'). */
export function runUpdate(kernelName: string, inputs: NamedTensorMap, attrs: NamedAttrMap, outputs: number): Tensor[] {
  const results = engine().runKernel(kernelName, inputs, attrs) as Tensor[];
  if (results.length !== outputs) throw new Error(`${kernelName}: expected ${outputs} outputs`);
  return results;
}
