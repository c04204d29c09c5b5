// Slice over the fewest axes. A slice that takes whole axes can merge each such axis into the
// one before it, so pointwiseWindows' stride pick, [64,16,2,16,2,16] sliced to [64,16,1,16,1,16],
// becomes [1024,32,32] sliced to [1024,16,16]: runs of 16 contiguous values, where
// tfjs-backend-wasm 4.22 walks any slice above rank 4 element by element through its cpu
// fallback (115 ms a step for that slice in resnet-small, a fifth of the step).

export interface SliceSpec {
  shape: number[];
  begin: number[];
  size: number[];
}

/** The same slice over the fewest axes: every axis taken whole joins the axis before it. */
export function collapseSlice(spec: SliceSpec): SliceSpec {
  const out: SliceSpec = { shape: [], begin: [], size: [] };
  spec.shape.forEach((dim, axis) => {
    const begin = spec.begin[axis] ?? 0;
    const size = spec.size[axis] ?? dim;
    const last = out.shape.length - 1;
    if (last >= 0 && begin === 0 && size === dim) {
      out.shape[last] = (out.shape[last] as number) * dim;
      out.begin[last] = (out.begin[last] as number) * dim;
      out.size[last] = (out.size[last] as number) * dim;
      return;
    }
    out.shape.push(dim);
    out.begin.push(begin);
    out.size.push(size);
  });
  return out;
}
