-- One model's launch price against another's (each model's cheapest listing of its first day), with ratios.
-- param model: model slug (or alias) of the model to compare, e.g. gpt-4o
-- param baseline: model slug (or alias) of the model it is compared with, e.g. gpt-4
WITH priced AS (
    SELECT model, provider, effective_date, input_usd_per_mtok, output_usd_per_mtok,
           blended_price(input_usd_per_mtok, output_usd_per_mtok) AS blended_usd_per_mtok
    FROM prices
    WHERE model IN ($model, $baseline)
),
launch AS (
    SELECT * FROM priced
    -- Of the listings of the model's first day, the cheapest, not the first provider
    -- by name.
    QUALIFY row_number() OVER (
        PARTITION BY model ORDER BY effective_date, blended_usd_per_mtok NULLS LAST, provider
    ) = 1
)
SELECT m.model, b.model AS baseline,
       m.effective_date AS model_launch, b.effective_date AS baseline_launch,
       m.input_usd_per_mtok, m.output_usd_per_mtok,
       b.input_usd_per_mtok AS baseline_input_usd_per_mtok,
       b.output_usd_per_mtok AS baseline_output_usd_per_mtok,
       -- To 4 significant digits, not 4 decimals: 1/3000 read 0.0003, and a model
       -- 20,000 times cheaper 0 times the price. No ratio to a free price (written
       -- around trendlab, which refuses one): it read inf, or NaN for 0 / 0.
       printf('%.4g', m.input_usd_per_mtok / nullif(b.input_usd_per_mtok, 0))::DOUBLE AS input_ratio,
       printf('%.4g', m.output_usd_per_mtok / nullif(b.output_usd_per_mtok, 0))::DOUBLE AS output_ratio,
       printf('%.4g', m.blended_usd_per_mtok / nullif(b.blended_usd_per_mtok, 0))::DOUBLE AS blended_ratio
FROM launch m JOIN launch b ON m.model = $model AND b.model = $baseline;
