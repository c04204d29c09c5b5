// Reading a WebGPU adapter from the `webgpu` npm package (Dawn's Node bindings) without trusting
// its shape: which device it is, and whether it is real hardware. A software rasteriser
// (Mesa's llvmpipe/lavapipe, SwiftShader, Microsoft's WARP) runs compute shaders on the CPU,
// usually slower than wasm, so `auto` does not pick one. WebGPU marks such adapters with
// isFallbackAdapter (on the adapter in older Dawn builds, on adapter.info in newer ones);
// Dawn does not always set it for lavapipe, so the device name is checked too.
// https://www.w3.org/TR/webgpu/#dom-gpuadapterinfo-isfallbackadapter

const SOFTWARE_DEVICE = /llvmpipe|lavapipe|swiftshader|software|microsoft basic render|\bwarp\b/i;

export interface AdapterDescription {
  /** Vendor, device and description joined, e.g. "nvidia, NVIDIA H100 PCIe". */
  label: string;
  hardware: boolean;
}

export async function describeAdapter(adapter: object): Promise<AdapterDescription> {
  const info = await adapterInfo(adapter);
  const fields = ['vendor', 'architecture', 'device', 'description']
    .map((key) => stringField(info, key))
    .filter((value): value is string => value !== undefined && value !== '');
  const label = [...new Set(fields)].join(', ') || 'unnamed adapter';
  const fallback =
    booleanField(adapter, 'isFallbackAdapter') === true || booleanField(info, 'isFallbackAdapter') === true;
  return { label, hardware: !fallback && !SOFTWARE_DEVICE.test(label) };
}

/** adapter.info (current spec) or adapter.requestAdapterInfo() (older Dawn builds). */
async function adapterInfo(adapter: object): Promise<object> {
  const info: unknown = 'info' in adapter ? adapter.info : undefined;
  if (typeof info === 'object' && info !== null) return info;
  if ('requestAdapterInfo' in adapter && typeof adapter.requestAdapterInfo === 'function') {
    const requested: unknown = await (adapter.requestAdapterInfo as () => Promise<unknown>).call(adapter);
    if (typeof requested === 'object' && requested !== null) return requested;
  }
  return {};
}

function stringField(object: object, key: string): string | undefined {
  const value: unknown = (object as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

function booleanField(object: object, key: string): boolean | undefined {
  const value: unknown = (object as Record<string, unknown>)[key];
  return typeof value === 'boolean' ? value : undefined;
}
