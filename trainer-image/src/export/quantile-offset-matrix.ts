/**
 * Signed cumulative-sum matrix [Q, Q] (row-major) turning per-quantile softplus gaps into offsets
 * from the median: offsets = gaps · M gives offsets[q] = Σ_{m<k≤q} gaps[k] above the median index m,
 * −Σ_{q≤k<m} gaps[k] below it and 0 at m. One MatMul therefore builds every quantile at once, for
 * any Q and any median position, without the empty slices a Slice/CumSum/Concat chain would need
 * when the median is first or last.
 */
export function quantileOffsetMatrix(quantileCount: number, median: number): Float32Array {
  const matrix = new Float32Array(quantileCount * quantileCount);
  for (let k = 0; k < quantileCount; k++) {
    for (let q = 0; q < quantileCount; q++) {
      if (median < k && k <= q) matrix[k * quantileCount + q] = 1;
      else if (q <= k && k < median) matrix[k * quantileCount + q] = -1;
    }
  }
  return matrix;
}
