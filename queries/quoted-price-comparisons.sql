-- The launch-price comparisons quoted in 'AI scaling myths' (background reading), from the data.
-- The essay: "GPT-4o costs just 25% as much as GPT-4" (true of output tokens, $15 vs
-- $60 per million; input is 1/6 and the 3:1 blend 1/5), and Claude 3.5 Sonnet is
-- "5x cheaper" than Claude 3 Opus (1/5 on input and output alike).
WITH claims(model, baseline, claim) AS (
    VALUES ('gpt-4o', 'gpt-4', 'GPT-4o costs just 25% as much as GPT-4'),
           ('claude-3.5-sonnet', 'claude-3-opus', 'Claude 3.5 Sonnet is 5x cheaper than Claude 3 Opus')
),
priced AS (
    SELECT model, provider, effective_date, input_usd_per_mtok, output_usd_per_mtok,
           blended_price(input_usd_per_mtok, output_usd_per_mtok) AS blended_usd_per_mtok
    FROM prices
),
launch AS (
    SELECT * FROM priced
    -- Of the listings of the model's first day, the cheapest, not the first provider
    -- by name.
    QUALIFY row_number() OVER (
        PARTITION BY model ORDER BY effective_date, blended_usd_per_mtok NULLS LAST, provider
    ) = 1
)
SELECT c.claim, c.model, c.baseline,
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
FROM claims c
JOIN launch m ON m.model = c.model
JOIN launch b ON b.model = c.baseline
ORDER BY c.model;
