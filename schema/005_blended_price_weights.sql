-- trendlab schema, version 5: blended_price refuses weights it cannot blend, and a
-- price weighed zero is not needed.
--
-- Version 4's macro divided by the weights' sum as given: 0:0, a negative weight, or
-- weights past a float's range (1e308:1e308, whose sum is inf) blended every price to
-- NaN or 0 without a word, and weighing a price zero still took it, so a model with
-- only an input price had no blend at 1:0. Now:
--   blended_price(input, output, w_in := 3, w_out := 1) is the price of a mix of w_in
--   input tokens to w_out output tokens, in the prices' unit; NULL when a price it
--   weighs (a weight above zero) is NULL, or a weight is NULL; an error, in anyone's
--   SQL, when a weight is negative or not a number, both are zero, or their sum is
--   not finite.
-- The weights are made to sum to 1 before the prices are added, so that two finite
-- prices blend to a finite one (3 x 1e308 is not). They are taken as DOUBLE: integer
-- weights whose sum overflows their type are weights like any other.
-- A team store (DuckLake) keeps no macros: trendlab defines this one as a TEMP macro on
-- each of its connections to one, after version 4's (see
-- trendlab.db.Migration.temporary_macros), so this definition is the one in force.
CREATE OR REPLACE MACRO blended_price(input, output, w_in := 3, w_out := 1) AS
    CASE
        WHEN w_in IS NULL OR w_out IS NULL THEN NULL
        -- NaN passes >= 0 (DuckDB orders it above every number), not isfinite.
        WHEN NOT (w_in::DOUBLE >= 0 AND w_out::DOUBLE >= 0 AND w_in::DOUBLE + w_out::DOUBLE > 0
                  AND isfinite(w_in::DOUBLE + w_out::DOUBLE))
        THEN error(format(
            'blended_price: cannot blend at weights w_in := {}, w_out := {}: each must be '
            'a number at least 0, not both 0, and their sum finite', w_in, w_out))
        ELSE CASE WHEN w_in::DOUBLE = 0 THEN 0
                  ELSE w_in::DOUBLE / (w_in::DOUBLE + w_out::DOUBLE) * input END
           + CASE WHEN w_out::DOUBLE = 0 THEN 0
                  ELSE w_out::DOUBLE / (w_in::DOUBLE + w_out::DOUBLE) * output END
    END;
