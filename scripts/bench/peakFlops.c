// The machine's peak float32 FLOP/s, measured: independent AVX-512 fused multiply-adds (12
// accumulators, enough to hide the FMA latency) on N threads, best of five rounds. Built and run by
// machine.ts (measurePeakFlops) for the bench's physical limit: `peakFlops THREADS` prints FLOP/s.
#include <immintrin.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char** argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  long iters = 200000000L;
  double best = 0;
  for (int round = 0; round < 5; round++) {
    double t0 = omp_get_wtime();
    float sink = 0;
#pragma omp parallel num_threads(threads) reduction(+ : sink)
    {
      __m512 a0 = _mm512_set1_ps(1.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      __m512 a8 = a0, a9 = a0, a10 = a0, a11 = a0;
      const __m512 m = _mm512_set1_ps(0.999999f), c = _mm512_set1_ps(1e-7f);
      for (long i = 0; i < iters / 12 / 16; i++) {
        a0 = _mm512_fmadd_ps(a0, m, c); a1 = _mm512_fmadd_ps(a1, m, c); a2 = _mm512_fmadd_ps(a2, m, c);
        a3 = _mm512_fmadd_ps(a3, m, c); a4 = _mm512_fmadd_ps(a4, m, c); a5 = _mm512_fmadd_ps(a5, m, c);
        a6 = _mm512_fmadd_ps(a6, m, c); a7 = _mm512_fmadd_ps(a7, m, c); a8 = _mm512_fmadd_ps(a8, m, c);
        a9 = _mm512_fmadd_ps(a9, m, c); a10 = _mm512_fmadd_ps(a10, m, c); a11 = _mm512_fmadd_ps(a11, m, c);
      }
      __m512 s = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)),
                               _mm512_add_ps(_mm512_add_ps(a4, a5), _mm512_add_ps(a6, a7)));
      s = _mm512_add_ps(s, _mm512_add_ps(_mm512_add_ps(a8, a9), _mm512_add_ps(a10, a11)));
      sink += _mm512_reduce_add_ps(s);
    }
    double dt = omp_get_wtime() - t0;
    double flops = (double)threads * (iters / 12 / 16) * 12 * 16 * 2 / dt;
    if (flops > best) best = flops;
    if (sink == 12345.f) printf("!");
  }
  printf("%.0f\n", best);
  return 0;
}
