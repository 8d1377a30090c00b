import { DriftInputException } from './drift.errors';
import { alignDistributions, Distribution, sum } from './inputs';

/**
 * Jensen–Shannon distance √JSD (scipy.spatial.distance.jensenshannon(p, q, base)): JSD = ½ KL(p‖m) + ½ KL(q‖m),
 * m = ½(p + q). Base 2 (default) bounds it by 1; Evidently passes base e (bound √ln 2 ≈ 0.833).
 * Inputs are counts or probabilities; each side is normalised.
 */
export function jensenShannonDistance(p: Distribution, q: Distribution, base = 2): number {
  if (!(base > 1) || !Number.isFinite(base)) throw new DriftInputException('INVALID_OPTION', `log base must be a finite number > 1, got ${base}`);
  const [pa, qa] = alignDistributions(p, q, 'jensen-shannon');
  const pTotal = sum(pa);
  const qTotal = sum(qa);
  if (pTotal === 0 || qTotal === 0) throw new DriftInputException('EMPTY_INPUT', 'jensen-shannon needs mass on each side');
  let divergence = 0;
  for (let k = 0; k < pa.length; k++) {
    const pk = pa[k] / pTotal;
    const qk = qa[k] / qTotal;
    const mk = (pk + qk) / 2;
    // 0 · log 0 = 0 by continuity.
    if (pk > 0) divergence += 0.5 * pk * Math.log(pk / mk);
    if (qk > 0) divergence += 0.5 * qk * Math.log(qk / mk);
  }
  // JSD ≤ ln 2; rounding can leave a tiny negative for identical inputs.
  const bounded = Math.min(Math.LN2, Math.max(0, divergence));
  return Math.sqrt(bounded / Math.log(base));
}
