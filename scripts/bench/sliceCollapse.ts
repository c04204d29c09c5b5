// The shape arithmetic behind the Slice proposal (see whatIf.ts): a slice that takes whole
// axes can merge each such axis into the one before it, so [64,16,2,16,2,16] sliced to
// [64,16,1,16,1,16] (pointwiseWindows' stride pick) becomes [1024,32,32] sliced to
// [1024,16,16] — rank 3, which tfjs-backend-wasm slices with block copies, where it walks ranks
// above 4 element by element (48× slower measured).

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
