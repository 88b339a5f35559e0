// List prices the cost benches use (US East, N. Virginia; see docs/cost.md for the sources).

/** AWS Config rule evaluations, per account and region, per month: tiered. */
export const CONFIG_EVALUATION_TIERS = [
  { upTo: 100_000, price: 0.001 },
  { upTo: 500_000, price: 0.0008 },
  { upTo: Number.POSITIVE_INFINITY, price: 0.0005 },
] as const;

/** AWS Lambda on arm64: per request, and per GB-second of duration (first tier). */
export const LAMBDA_PRICE = { perRequest: 0.2 / 1_000_000, perGbSecond: 0.0000133334 } as const;

export const DAYS_PER_MONTH = 30;

/** What a month's rule evaluations cost at list price. */
export const configEvaluationsPrice = (evaluations: number): number => {
  let price = 0;
  let from = 0;
  for (const tier of CONFIG_EVALUATION_TIERS) {
    const inTier = Math.max(0, Math.min(evaluations, tier.upTo) - from);
    price += inTier * tier.price;
    from = tier.upTo;
  }
  return price;
};
