-- trendlab schema, version 4: blended_price, the one definition of a blended API price.
--
-- blended_price(input, output, w_in := 3, w_out := 1): the price of a mix of w_in input
-- tokens to w_out output tokens (3:1, a typical chat workload, by default), in the
-- prices' unit (USD per million tokens); NULL when either price is NULL. The weights
-- are made to sum to 1 before the prices are added, so that two finite prices blend to
-- a finite one (3 x 1e308 is not). trendlab's commands and named queries all use it:
--   SELECT model, blended_price(input_usd_per_mtok, output_usd_per_mtok) FROM prices;
--   ... blended_price(input_usd_per_mtok, output_usd_per_mtok, w_in := 1, w_out := 1)
-- A team store (DuckLake) keeps no macros: trendlab defines this one as a TEMP macro on
-- each of its connections to one (see trendlab.db.Migration.temporary_macros).
CREATE MACRO blended_price(input, output, w_in := 3, w_out := 1) AS
    (w_in / (w_in + w_out)) * input + (w_out / (w_in + w_out)) * output;
